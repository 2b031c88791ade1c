// `npm run size`: what a visitor's browser downloads for the banner, per locale, in bytes on the wire: /banner.js and
// the largest configuration any site answers (GET /api/consent/config), each requested with the Accept-Encoding
// Chromium sends, from a running portal: `--url URL` (or PORTAL_URL), else a throwaway one started on a fresh
// database the way `npm start` starts it. Fails (exit 1) when a locale goes over the budget.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locales } from '../src/lib/locale.ts';
import { sitesFileSchema } from '../src/lib/site.ts';
import { projectRoot } from './support/content.ts';
import { migrateFor, startServerProcess, type ServerProcess } from './support/server-process.ts';

const budget = 6144;
const acceptEncoding = 'gzip, deflate, br, zstd';

interface Served {
  bytes: number;
  encoding: string;
}

/** One GET as a browser sends it; the body's length as it arrived (nothing decoded) and its Content-Encoding. */
function served(url: URL, headers: Record<string, string> = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { headers: { 'Accept-Encoding': acceptEncoding, ...headers } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url.pathname}${url.search} answered ${response.statusCode}`));
        else resolve({ bytes, encoding: String(response.headers['content-encoding'] ?? 'identity') });
      });
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** An origin each site lets show its banner (the portal's own for `self`), as the embedding page's fetch sends it. */
function embeddingOrigin(allowedOrigins: readonly string[], portal: string): string {
  const origin = allowedOrigins[0] ?? 'self';
  return origin === 'self' ? portal : origin.replace(/:\*$/, ':4322');
}

const { values } = parseArgs({ options: { url: { type: 'string' } } });
const given = values.url ?? process.env.PORTAL_URL;
let portal: ServerProcess | undefined;
let scratch: string | undefined;
let base: string;
if (given) base = new URL(given).origin;
else {
  scratch = mkdtempSync(join(tmpdir(), 'portal-size-'));
  const env = { DATABASE_PATH: join(scratch, 'portal.db'), OUTBOX_DIR: join(scratch, 'outbox') };
  migrateFor(env);
  portal = await startServerProcess('scripts/start.ts', env, '/healthz', (port) => ({ PUBLIC_URL: `http://127.0.0.1:${port}` }));
  base = portal.baseURL;
}

let over = false;
try {
  const sites = sitesFileSchema.parse(JSON.parse(readFileSync(join(projectRoot, 'content/sites.json'), 'utf8'))).sites;
  const script = await served(new URL('/banner.js', base));
  console.log(`Bytes as served by ${base} (Accept-Encoding: ${acceptEncoding}); budget ${budget} per locale\n`);
  console.log(`${'locale'.padEnd(8)}${'site'.padEnd(9)}${'banner.js'.padStart(9)}${'config'.padStart(10)}${'total'.padStart(7)}`);
  for (const locale of locales) {
    const measured = await Promise.all(
      sites.map(async (site) => {
        const url = new URL(`/api/consent/config?site=${encodeURIComponent(site.id)}&lang=${locale}`, base);
        return { site: site.id, ...(await served(url, { Origin: embeddingOrigin(site.allowedOrigins, base) })) };
      }),
    );
    const largest = measured.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const total = script.bytes + largest.bytes;
    over ||= total > budget;
    console.log(
      `${locale.padEnd(8)}${largest.site.padEnd(9)}${`${script.bytes} ${script.encoding}`.padStart(9)}${`${largest.bytes} ${largest.encoding}`.padStart(10)}${String(total).padStart(7)}${total > budget ? '  OVER BUDGET' : ''}`,
    );
  }
} finally {
  await portal?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
if (over) {
  console.error(`\nOver the budget of ${budget} bytes.`);
  process.exit(1);
}
