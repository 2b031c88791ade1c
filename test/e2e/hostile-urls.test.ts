import { describe, expect, test } from 'vitest';
import { baseURL } from './browser.ts';

/** Raw request: fetch() would normalise `..` away before it reaches the server. */
async function get(path: string, headers: Record<string, string> = {}) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const url = new URL(baseURL);
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostile URLs and headers', () => {
  test('a path climbing out with `..` resolves to a URL outside any document and reveals no file', async () => {
    const response = await get('/pl/policies/../../../package.json');
    expect(response.status).toBe(404);
    expect(response.body).not.toMatch(/"dependencies"|"devDependencies"/);
  });

  test.each([
    '/pl/policies/..%2f..%2f..%2fpackage.json',
    '/pl/policies/%2e%2e%2f%2e%2e%2fcontent%2forganisation.json',
    '/pl/policies/privacy-notice/v/..%2f1',
    '/pl/policies/privacy-notice%2fv%2f1',
    '/pl/policies/privacy-notice/v/%00',
    '/pl/policies/privacy-notice/v/1%00',
    `/pl/policies/${'a'.repeat(4000)}`,
    `/pl/policies/privacy-notice/v/${'9'.repeat(500)}`,
    '/pl/policies/privacy-notice/diff/1/-1',
    '/pl/policies/privacy-notice/diff/2/2e0',
    '/pl/policies/PRIVACY-NOTICE',
    '/pl/policies/cookie-policy/v/2',
    '/pl/requests/%3Cscript%3E',
    '/pl/requests/DSR-2026-000000',
    `/pl/requests/DSR-2026-000000?token=${'A'.repeat(5000)}`,
    '/pl/requests/DSR-2026-000000?token=%00&verify=%00',
    '/pl/requests/..%2f..%2fpackage.json',
  ])('%s is a localized 404 that reveals no file', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.body).toContain('<html lang="pl"');
    expect(response.body).not.toMatch(/"dependencies"|"legalName"|at .*\.(?:js|ts):\d+/);
  });

  test.each([
    'pl;q=abc, ,;;, el;q=-1',
    '*'.repeat(8000),
    '\u00ff\u00fe;q=0.5',
    'pl-PL;q=0.1, nl;q=0.2, bg;q=0.3',
  ])('`/` answers a redirect for Accept-Language %j', async (header) => {
    const response = await get('/', { 'Accept-Language': header });
    expect(response.status).toBe(302);
    expect(response.headers.location).toMatch(/^\/(el|bg|nl|pl)\/$/);
  });

  test('q-values decide: the highest acceptable locale wins', async () => {
    expect((await get('/', { 'Accept-Language': 'pl-PL;q=0.1, nl;q=0.2, bg;q=0.3' })).headers.location).toBe('/bg/');
    expect((await get('/', { 'Accept-Language': 'de, nl;q=0' , Cookie: 'portal_locale=xx' })).headers.location).toBe('/el/');
    expect((await get('/', { 'Accept-Language': 'de', Cookie: 'portal_locale=nl' })).headers.location).toBe('/nl/');
  });

  test('the language switcher never redirects off the portal', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/%2f%2fevil.example', '/\\evil.example']) {
      const response = await get(`/language?to=bg&next=${encodeURIComponent(next)}`);
      expect(response.status).toBe(303);
      expect(new URL(String(response.headers.location), baseURL).origin).toBe(baseURL);
      expect(new URL(String(response.headers.location), baseURL).pathname).toBe('/bg/');
    }
    const chosen = await get('/language?to=bg&next=%2Fbg%2Fpolicies%2Fcookie-policy');
    expect(String(chosen.headers['set-cookie'])).toMatch(/portal_locale=bg;.*HttpOnly/i);
  });
});
