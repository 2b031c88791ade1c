import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createPageCache, type PageCacheOptions } from '../../src/lib/page-cache.ts';

/** A server that renders like Astro does (writeHead with an object, body in chunks) and counts its renders. */
async function serverWith(options: PageCacheOptions, render: (path: string) => { status: number; headers: Record<string, string | string[]> }) {
  const cache = createPageCache(options);
  const renders: string[] = [];
  const server = createServer((request, response) => {
    if (cache.serve(request, response)) return;
    cache.keep(request, response);
    renders.push(request.url ?? '');
    const { status, headers } = render(request.url ?? '');
    response.writeHead(status, headers);
    response.write(`<!doctype html><html lang="nl"><title>${request.url}</title>`);
    response.write('<p>Ελληνικά, български, polski: ż ó ł</p>');
    response.end('</html>');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, renders };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((closed) => server.close(closed))));
});

const html = { status: 200, headers: { 'Content-Type': 'text/html', 'Content-Security-Policy': "default-src 'self'", 'Content-Language': 'nl' } };

describe('the page cache', () => {
  test('a policy page is rendered once and then answered from memory, byte for byte, with its headers', async () => {
    const { url, renders } = await serverWith({}, () => html);
    const first = await fetch(`${url}/nl/policies/privacy-notice`);
    const firstBody = await first.text();
    const second = await fetch(`${url}/nl/policies/privacy-notice`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(await second.text()).toBe(firstBody);
    expect(renders).toEqual(['/nl/policies/privacy-notice']);
    expect(second.headers.get('age')).toBe('0');
    expect(second.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(second.headers.get('content-language')).toBe('nl');
    expect(second.headers.get('vary')).toBe('Accept-Encoding, Cookie, Sec-GPC');
    expect(Number(second.headers.get('content-length'))).toBe(Buffer.byteLength(firstBody));

    // The test page is too small for gzip to help: it goes as it is. (The e2e test checks a real policy page's gzip.)
    expect((await fetch(`${url}/nl/policies/privacy-notice`)).headers.get('content-encoding')).toBeNull();

    const etag = second.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const revalidated = await fetch(`${url}/nl/policies/privacy-notice`, { headers: { 'If-None-Match': etag } });
    expect(revalidated.status).toBe(304);
    expect(renders).toHaveLength(1);
  });

  test('a page is rendered again once it is a minute old', async () => {
    let clock = 1_000_000;
    const { url, renders } = await serverWith({ now: () => clock }, () => html);
    await (await fetch(`${url}/el/`)).text();
    clock += 59_000;
    expect((await fetch(`${url}/el/`)).headers.get('age')).toBe('59');
    clock += 1_000;
    await (await fetch(`${url}/el/`)).text();
    expect(renders).toEqual(['/el/', '/el/']);
  });

  test.each([
    ['a visitor with a cookie (their consent hides the banner)', { Cookie: 'portal_consent=x' }],
    ['a Global Privacy Control signal (it records a refusal)', { 'Sec-GPC': '1' }],
    ['a DPO with credentials', { Authorization: 'Basic eDp5' }],
  ])('%s is always rendered', async (_, headers) => {
    const { url, renders } = await serverWith({}, () => html);
    await (await fetch(`${url}/pl/policies/cookie-policy`)).text();
    const answer = await fetch(`${url}/pl/policies/cookie-policy`, { headers });
    await answer.text();
    expect(answer.headers.get('age')).toBeNull();
    expect(renders).toHaveLength(2);
  });

  test.each(['/nl/requests/new', '/nl/consent', '/dpo', '/nl/policies/privacy-notice?x=1', '/de/policies/privacy-notice', '/api/consent/config'])('%s is never kept', async (path) => {
    const { url, renders } = await serverWith({}, () => html);
    for (let index = 0; index < 2; index += 1) await (await fetch(`${url}${path}`)).text();
    expect(renders).toHaveLength(2);
  });

  test('only a 200 HTML answer that sets no cookie is kept', async () => {
    const answers: Record<string, { status: number; headers: Record<string, string | string[]> }> = {
      '/bg/policies/no-such-document': { status: 404, headers: { 'Content-Type': 'text/html' } },
      '/bg/policies/privacy-notice': { status: 200, headers: { 'Content-Type': 'text/html', 'Set-Cookie': ['portal_consent=x; HttpOnly'] } },
      '/bg/policies/privacy-notice/v/1': { status: 200, headers: { 'Content-Type': 'application/json' } },
    };
    const { url, renders } = await serverWith({}, (path) => answers[path] ?? html);
    for (const path of Object.keys(answers)) for (let index = 0; index < 2; index += 1) await (await fetch(`${url}${path}`)).text();
    expect(renders).toHaveLength(6);
  });

  test('at most maxPages pages are kept; the oldest goes first', async () => {
    const { url, renders } = await serverWith({ maxPages: 2 }, () => html);
    for (const path of ['/el/', '/bg/', '/nl/', '/el/']) await (await fetch(`${url}${path}`)).text();
    expect(renders).toEqual(['/el/', '/bg/', '/nl/', '/el/']);
    await (await fetch(`${url}/nl/`)).text();
    expect(renders).toHaveLength(4);
  });
});
