import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createPageCache, type PageCacheOptions, type RenderedPage } from '../../src/lib/page-cache.ts';

type Answer = { status: number; headers: OutgoingHttpHeaders };

/**
 * A server in front of a fake portal: `cleanRenders` counts the cache's own clean renders, `visitorRenders` the
 * pages rendered for a visitor's own request (what the portal does when the cache does not answer).
 */
async function serverWith(options: Omit<PageCacheOptions, 'render'>, answerFor: (path: string) => Answer) {
  const cleanRenders: string[] = [];
  const visitorRenders: string[] = [];
  const body = (path: string, who: string) =>
    `<!doctype html><html lang="nl"><title>${path}</title><p>Ελληνικά, български, polski: ż ó ł</p><p>${who}</p></html>`;
  const cache = createPageCache({
    ...options,
    render: async (path): Promise<RenderedPage> => {
      cleanRenders.push(path);
      const { status, headers } = answerFor(path);
      return {
        status,
        headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
        body: Buffer.from(body(path, 'clean')),
      };
    },
  });
  const server = createServer((request, response) => {
    const passOn = () => {
      visitorRenders.push(request.url ?? '');
      const { status, headers } = answerFor(request.url ?? '');
      response.writeHead(status, headers).end(body(request.url ?? '', `visitor ${request.headers['x-who'] ?? ''}`));
    };
    if (!cache.serve(request, response, passOn)) passOn();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cleanRenders, visitorRenders };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((closed) => server.close(closed))));
});

const shared: Answer = {
  status: 200,
  headers: { 'Content-Type': 'text/html', 'Cache-Control': 'public, no-cache', 'Content-Security-Policy': "default-src 'self'", 'Content-Language': 'nl' },
};

describe('the page cache', () => {
  test('a shareable page is rendered once, cleanly, and then answered from memory byte for byte with its headers', async () => {
    const { url, cleanRenders, visitorRenders } = await serverWith({}, () => shared);
    const first = await fetch(`${url}/nl/policies/privacy-notice`, { headers: { 'X-Who': 'first' } });
    const firstBody = await first.text();
    expect(firstBody).toContain('<p>clean</p>');
    const second = await fetch(`${url}/nl/policies/privacy-notice`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(await second.text()).toBe(firstBody);
    expect(cleanRenders).toEqual(['/nl/policies/privacy-notice']);
    expect(visitorRenders).toEqual([]);
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
    expect(cleanRenders).toHaveLength(1);
  });

  test('first visitors arriving together wait for one render', async () => {
    const { url, cleanRenders } = await serverWith({}, () => shared);
    const bodies = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/bg/`).then((answer) => answer.text())));
    expect(new Set(bodies).size).toBe(1);
    expect(cleanRenders).toEqual(['/bg/']);
  });

  test('a page is rendered again once it is a minute old', async () => {
    let clock = 1_000_000;
    const { url, cleanRenders } = await serverWith({ now: () => clock }, () => shared);
    await (await fetch(`${url}/el/`)).text();
    clock += 59_000;
    expect((await fetch(`${url}/el/`)).headers.get('age')).toBe('59');
    clock += 1_000;
    await (await fetch(`${url}/el/`)).text();
    expect(cleanRenders).toEqual(['/el/', '/el/']);
  });

  test.each([
    ['a visitor with a cookie (their consent hides the banner)', { Cookie: 'portal_consent=x' }],
    ['a Global Privacy Control signal (it records a refusal)', { 'Sec-GPC': '1' }],
    ['a DPO with credentials', { Authorization: 'Basic eDp5' }],
  ])('%s gets a page rendered for them', async (_, headers) => {
    const { url, visitorRenders } = await serverWith({}, () => shared);
    await (await fetch(`${url}/pl/policies/cookie-policy`)).text();
    const answer = await fetch(`${url}/pl/policies/cookie-policy`, { headers: { ...headers, 'X-Who': 'them' } });
    expect(await answer.text()).toContain('<p>visitor them</p>');
    expect(answer.headers.get('age')).toBeNull();
    expect(visitorRenders).toHaveLength(1);
  });

  test.each(['/nl/requests/new', '/nl/consent', '/dpo', '/nl/policies/privacy-notice?x=1', '/de/policies/privacy-notice', '/api/consent/config'])(
    '%s is never kept',
    async (path) => {
      const { url, cleanRenders, visitorRenders } = await serverWith({}, () => shared);
      for (let index = 0; index < 2; index += 1) await (await fetch(`${url}${path}`)).text();
      expect(cleanRenders).toHaveLength(0);
      expect(visitorRenders).toHaveLength(2);
    },
  );

  test.each<[string, Answer]>([
    ['a 404', { status: 404, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'public' } }],
    ['a page that sets a cookie', { status: 200, headers: { ...shared.headers, 'Set-Cookie': ['portal_consent=x; HttpOnly'] } }],
    ['JSON', { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public' } }],
    ['a page that does not say it is shareable', { status: 200, headers: { 'Content-Type': 'text/html' } }],
    ['a page marked no-store', { status: 200, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'public, no-store' } }],
    ['a page marked private', { status: 200, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'private, public' } }],
  ])('%s is not kept: every visitor gets it rendered for them', async (_, answer) => {
    const { url, cleanRenders, visitorRenders } = await serverWith({}, () => answer);
    for (let index = 0; index < 3; index += 1) {
      const got = await fetch(`${url}/bg/policies/privacy-notice`, { headers: { 'X-Who': String(index) } });
      expect(await got.text()).toContain(`<p>visitor ${index}</p>`);
    }
    // The clean render that found the page not shareable is not repeated for every visitor within the minute.
    expect(cleanRenders).toHaveLength(1);
    expect(visitorRenders).toHaveLength(3);
  });

  test('at most maxPages pages are kept; the oldest goes first', async () => {
    const { url, cleanRenders } = await serverWith({ maxPages: 2 }, () => shared);
    for (const path of ['/el/', '/bg/', '/nl/', '/el/']) await (await fetch(`${url}${path}`)).text();
    expect(cleanRenders).toEqual(['/el/', '/bg/', '/nl/', '/el/']);
    await (await fetch(`${url}/nl/`)).text();
    expect(cleanRenders).toHaveLength(4);
  });
});
