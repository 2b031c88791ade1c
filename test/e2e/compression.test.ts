import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { baseURL } from './browser.ts';

interface RawAnswer {
  status: number;
  encoding: string | undefined;
  vary: string;
  body: Buffer;
}

/** A GET whose body is kept as it came over the wire (fetch would decode it). */
function rawGet(path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(new URL(path, baseURL), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          encoding: response.headers['content-encoding'],
          vary: String(response.headers.vary ?? ''),
          body: Buffer.concat(chunks),
        }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

const decoded = (answer: RawAnswer) =>
  answer.encoding === 'br' ? brotliDecompressSync(answer.body) : answer.encoding === 'gzip' ? gunzipSync(answer.body) : answer.body;

describe('answers are compressed where it helps', () => {
  test.each([
    ['the Greek banner configuration', '/api/consent/config?site=demo&lang=el', { Origin: 'http://localhost:4322' }],
    ['a page rendered for a visitor with a cookie', '/el/consent', { Cookie: 'portal_locale=el' }],
    ['the DPO sign-in page', '/dpo/login', {}],
  ])('%s: brotli for Chromium, gzip for a gzip-only client, the same bytes once decoded, and under half the size', async (_what, path, headers) => {
    const plain = await rawGet(path, { ...headers, 'Accept-Encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.encoding).toBeUndefined();
    const brotli = await rawGet(path, { ...headers, 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    const gzip = await rawGet(path, { ...headers, 'Accept-Encoding': 'gzip' });
    expect([brotli.encoding, gzip.encoding]).toEqual(['br', 'gzip']);
    for (const answer of [brotli, gzip]) {
      expect(answer.vary.toLowerCase()).toContain('accept-encoding');
      expect(answer.body.length).toBeLessThan(plain.body.length / 2);
    }
    // A page may carry a fresh form token each time it is rendered: it must decode to a whole page.
    if (path.startsWith('/api/')) for (const answer of [brotli, gzip]) expect(decoded(answer).equals(plain.body)).toBe(true);
    else for (const answer of [brotli, gzip]) expect(decoded(answer).toString('utf8')).toContain('</html>');
  });

  test('the banner configuration for Greek fits the 6 KB budget with the banner script, as served', async () => {
    const accept = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };
    const script = await rawGet('/banner.js', accept);
    const config = await rawGet('/api/consent/config?site=demo&lang=el', { ...accept, Origin: 'http://localhost:4322' });
    expect(script.body.length + config.body.length).toBeLessThanOrEqual(6144);
  });
});
