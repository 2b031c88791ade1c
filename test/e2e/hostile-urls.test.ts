import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { locales } from '../../src/lib/locale.ts';
import { hostileString, urlEncode } from '../support/hostile-strings.ts';
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
    '/pl/policies/cookie-policy/v/3',
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

  test.each(['pl;q=abc, ,;;, el;q=-1', '*'.repeat(8000), '\u00ff\u00fe;q=0.5', 'pl-PL;q=0.1, nl;q=0.2, bg;q=0.3'])(
    '`/` answers a redirect for Accept-Language %j',
    async (header) => {
      const response = await get('/', { 'Accept-Language': header });
      expect(response.status).toBe(302);
      expect(response.headers.location).toMatch(/^\/(el|bg|nl|pl)\/$/);
    },
  );

  test('q-values decide: the highest acceptable locale wins', async () => {
    expect((await get('/', { 'Accept-Language': 'pl-PL;q=0.1, nl;q=0.2, bg;q=0.3' })).headers.location).toBe('/bg/');
    expect((await get('/', { 'Accept-Language': 'de, nl;q=0', Cookie: 'portal_locale=xx' })).headers.location).toBe('/el/');
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

  // Property: any segment in any place of the URL contract (percent-encoded as a browser sends it, or raw bytes that
  // are not UTF-8) is answered below 500, without a stack trace or a file's contents.
  test('hostile path segments anywhere in the URL contract answer below 500 and reveal nothing', async () => {
    const templates = [
      '/{s}/',
      '/{l}/{s}',
      '/{l}/policies/{s}',
      '/{l}/policies/{s}/history',
      '/{l}/policies/privacy-notice/v/{s}',
      '/{l}/policies/privacy-notice/diff/{s}/{s}',
      '/{l}/policies/cookie-policy/diff/1/{s}',
      '/{l}/requests/{s}',
      '/{l}/requests/new/{s}',
      '/{l}/marketing/{s}',
      '/api/consent/{s}',
      '/api/consent/{s}/receipt',
      '/api/requests/{s}',
      '/api/requests/{s}/export',
      '/api/requests/DSR-2026-AAAAAA/files/{s}?until={s}&sig=x',
      '/dpo/requests/{s}/files/{s}',
      '/dpo/requests/{s}',
      '/dpo/requests/{s}.json',
      '/{s}.js',
      '/_astro/{s}',
      '/_actions/{s}',
    ];
    const segment = fc.oneof(
      { weight: 4, arbitrary: hostileString.map(urlEncode) },
      // Raw percent-escapes, including ones that decode to invalid UTF-8 or to `/`, `..` and NUL.
      {
        weight: 2,
        arbitrary: fc
          .array(fc.constantFrom('%', '%zz', '%00', '%2f', '%2e%2e', '..', '%ED%A0%80', '%C0%AF', '%FF', '%E2%80%AE', '%CF%82', '~', '%25', ';', ',', '@'), {
            minLength: 1,
            maxLength: 6,
          })
          .map((parts) => parts.join('')),
      },
      { weight: 1, arbitrary: fc.constantFrom('9'.repeat(400), '-1', '0', '1.0', '1e3', '0x10', 'NaN', 'Infinity', ' 1', '١', '²').map(urlEncode) },
    );
    const cases = fc.tuple(fc.constantFrom(...templates), fc.constantFrom(...locales), segment, segment);
    await fc.assert(
      fc.asyncProperty(cases, async ([template, locale, first, second]) => {
        let seen = 0;
        const path = template.replace('{l}', locale).replace(/\{s\}/g, () => (seen++ === 0 ? first : second) || 'x');
        const response = await get(path);
        expect(response.status, path).toBeLessThan(500);
        if (response.status === 431) return;
        expect(response.body, path).not.toMatch(/"dependencies"|"legalName"|\bat .+\.(?:m?js|ts):\d+|node_modules|SqliteError|\bError: /);
      }),
      { numRuns: 150, endOnFailure: true },
    );
  });
});
