// `npm run demo`: serves demo/ as a third-party site embedding the banner (and, at /systems/login-history, the sample
// company's login-history webhook system: scripts/support/demo-login-history.ts), with `__PORTAL__` replaced by PORTAL_URL
// (default http://localhost:4321) on DEMO_PORT (default 4322). Each answer carries a strict Content-Security-Policy
// with a fresh nonce (`__NONCE__`), so the demo also shows that the banner needs no inline styles, and the banner is
// pinned by its Subresource Integrity hash (`__BANNER_INTEGRITY__`, from public/banner.js) as the README tells embedders.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { subresourceIntegrity } from '../src/lib/banner-embed.ts';
import { loginHistorySystem } from './support/demo-login-history.ts';

const page = resolve(import.meta.dirname, '../demo/index.html');
const banner = resolve(import.meta.dirname, '../public/banner.js');

/**
 * Starts the demo site. Port 0 picks a free port. It answers on `localhost`, a different cookie host than a portal on
 * 127.0.0.1, so the demo's first-party cookies stay apart from the portal's as they would on a real third-party site.
 * @param {{ port?: number, portalUrl?: string, host?: string }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startDemoServer({ port = 4322, portalUrl = 'http://localhost:4321', host = 'localhost' } = {}) {
  const portal = new URL(portalUrl).origin;
  const loginHistory = loginHistorySystem();
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://demo').pathname;
    // The sample company's login-history system (content/systems.json), a webhook the portal's tasks reach.
    if (path === '/systems/login-history') {
      await loginHistory(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/' && path !== '/index.html') {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    // `?lang=el` serves the same page as a Greek site: the banner follows the page's <html lang>.
    const lang = new URL(request.url ?? '/', 'http://demo').searchParams.get('lang');
    const integrity = subresourceIntegrity(await readFile(banner));
    let html = (await readFile(page, 'utf8')).replaceAll('__PORTAL__', portal).replaceAll('__NONCE__', nonce).replaceAll('__BANNER_INTEGRITY__', integrity);
    if (lang && /^[a-z]{2}(?:-[A-Z]{2})?$/.test(lang)) html = html.replace('<html lang="pl">', `<html lang="${lang}">`);
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}' ${portal}`,
        `style-src 'nonce-${nonce}'`,
        `connect-src ${portal}`,
        "frame-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    });
    response.end(request.method === 'HEAD' ? undefined : html);
  });
  await new Promise((listening, fail) => server.once('error', fail).listen(port, host, () => listening(undefined)));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actualPort}/`,
    close: () => new Promise((closed) => server.close(() => closed(undefined))),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portalUrl = process.env.PORTAL_URL ?? 'http://localhost:4321';
  const { url } = await startDemoServer({ port: Number(process.env.DEMO_PORT ?? 4322), portalUrl });
  console.log(`Demo site on ${url} (banner from ${portalUrl}). Ctrl+C stops it.`);
}
