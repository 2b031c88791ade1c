import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { findChainBreak } from '../../src/lib/consent.ts';
import { allConsentRecords } from '../../src/lib/consent.repo.ts';
import { baseURL } from './browser.ts';
import { consentBudgetsLifted, startPortal } from './portal.ts';
import { sharedPortalStore, testStoreEnvironment } from './store.ts';
import { bannerRevision, postRefusal } from './write-load.ts';

describe('security headers', () => {
  test.each(['/pl/', '/banner.js', '/healthz', '/dpo/login', '/api/consent/config?site=demo&lang=el', '/el/no-such-page'])(
    '%s forbids framing and powerful features, and sniffing',
    async (path) => {
      const response = await fetch(`${baseURL}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('content-security-policy')).toContain("form-action 'self'");
      expect(response.headers.get('permissions-policy')).toContain('camera=()');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      // Served over plain HTTP here: no HSTS (it is sent when PUBLIC_URL is https).
      expect(response.headers.get('strict-transport-security')).toBeNull();
    },
  );
});

describe('built files', () => {
  test('the banner is answered from memory with its security headers, CORS for embedders, gzip and revalidation', async () => {
    const plain = await fetch(`${baseURL}/banner.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('access-control-allow-origin')).toBe('*');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    const source = await plain.text();
    expect(source.length).toBeGreaterThan(1000);

    const { request } = await import('node:http');
    const gzipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const url = new URL(`${baseURL}/banner.js`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(gzipped.encoding).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(source);

    const again = await fetch(`${baseURL}/banner.js`, { headers: { 'If-None-Match': plain.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  test('hashed stylesheets are cached for a year; pages are not built files', async () => {
    const page = await (await fetch(`${baseURL}/pl/`)).text();
    const stylesheet = /href="(\/_astro\/[^"]+\.css)"/.exec(page)?.[1] ?? '';
    const response = await fetch(`${baseURL}${stylesheet}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${baseURL}/banner.js`, { method: 'POST', body: 'x' })).status).toBeGreaterThanOrEqual(400);
  });
});

describe('pages every first-time visitor gets alike', () => {
  test('a privacy notice is answered from memory to visitors without cookies, and rendered for everyone else', async () => {
    const path = '/nl/policies/privacy-notice';
    const first = await fetch(`${baseURL}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
    const html = await first.text();
    const again = await fetch(`${baseURL}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(again.headers.get('age')).toMatch(/^\d+$/);
    expect(await again.text()).toBe(html);
    for (const header of ['content-security-policy', 'content-language', 'permissions-policy', 'x-content-type-options', 'content-type']) {
      expect(again.headers.get(header), header).toBe(first.headers.get(header));
    }
    // The banner is part of the page a first-time visitor sees.
    expect(html).toContain('data-consent-banner');

    const zipped = await fetch(`${baseURL}${path}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(Number(zipped.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(html) / 2);
    expect(await zipped.text()).toBe(html);
    expect((await fetch(`${baseURL}${path}`, { headers: { 'If-None-Match': again.headers.get('etag') ?? '' } })).status).toBe(304);

    // A visitor who has chosen gets the page rendered for them: no banner, their choice respected.
    const chosen = await fetch(`${baseURL}/nl/consent?_action=consent.saveCookies`, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'reject-all', locale: 'nl', returnTo: path }),
      redirect: 'manual',
    });
    const cookie =
      chosen.headers
        .getSetCookie()
        .find((line) => line.startsWith('portal_consent='))
        ?.split(';')[0] ?? '';
    expect(cookie).not.toBe('');
    const theirs = await fetch(`${baseURL}${path}`, { headers: { Cookie: cookie } });
    expect(theirs.headers.get('age')).toBeNull();
    expect(await theirs.text()).not.toContain('data-consent-banner');

    // Global Privacy Control is recorded, never answered from memory.
    const gpc = await fetch(`${baseURL}${path}`, { headers: { 'Sec-GPC': '1' } });
    expect(gpc.headers.get('age')).toBeNull();
    expect(gpc.headers.getSetCookie().some((line) => line.startsWith('portal_consent='))).toBe(true);
  });
});

describe('the consent fast path', () => {
  test('records exactly what the Astro route records: the same policy version, text hash and revision', async () => {
    const { sql, close } = sharedPortalStore();
    try {
      // Through Astro: a GPC signal on a portal page is recorded by the middleware.
      const page = await fetch(`${baseURL}/bg/`, { headers: { 'Sec-GPC': '1' } });
      const viaAstro = /portal_consent=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
      expect(viaAstro).toBeDefined();
      const config = (await (await fetch(`${baseURL}/api/consent/config?site=portal&lang=bg`)).json()) as { revision: string };
      // Through the fast path: the banner's POST from the portal's own origin.
      const posted = await fetch(`${baseURL}/api/consent`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', Origin: baseURL },
        body: JSON.stringify({
          site: 'portal',
          action: 'gpc',
          source: 'banner',
          locale: 'bg',
          revision: config.revision,
          bannerVersion: '1',
          choices: { preferences: false, analytics: false, marketing: false },
        }),
      });
      expect(posted.status).toBe(201);
      expect(posted.headers.get('x-content-type-options')).toBe('nosniff');
      const { consentId } = (await posted.json()) as { consentId: string };
      const rows = await sql.rows(
        "select policy_document, policy_version, text_hash, revision, banner_version from consent_records where site_id = 'portal' and locale = 'bg' and action = 'gpc' order by id desc",
      );
      const fast = await sql.row(
        'select policy_document, policy_version, text_hash, revision, banner_version from consent_records where consent_id = ?',
        consentId,
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row).toEqual(fast);
    } finally {
      await close();
    }
  });

  test('bad input gets the same JSON errors as before', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${baseURL}/api/consent`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: 'http://localhost:4322', ...headers }, body });
    const malformed = await post('{');
    expect([malformed.status, ((await malformed.json()) as { error: { code: string } }).error.code]).toEqual([400, 'malformed_json']);
    const huge = await post(JSON.stringify({ site: 'demo', pad: 'x'.repeat(20_000) }));
    expect([huge.status, ((await huge.json()) as { error: { code: string } }).error.code]).toEqual([413, 'too_large']);
    const elsewhere = await post(
      JSON.stringify({
        site: 'demo',
        action: 'reject-all',
        source: 'banner',
        locale: 'pl',
        revision: '2-0c32a859',
        bannerVersion: '1',
        choices: { preferences: false, analytics: false, marketing: false },
      }),
      { Origin: 'https://evil.example' },
    );
    expect(elsewhere.status).toBe(403);
    expect((await fetch(`${baseURL}/api/consent`)).status).toBe(405);
  });
});

describe('stopping', () => {
  test('SIGTERM lets the decisions under way finish: every one answered is on disk, and the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-stop-'));
    const database = await testStoreEnvironment(dir);
    const portal = await startPortal({ ...database.env, OUTBOX_DIR: join(dir, 'outbox'), ...consentBudgetsLifted });
    try {
      const revision = await bannerRevision(portal.baseURL);
      const decide = () =>
        postRefusal(portal.baseURL, revision).then(
          (outcome) => (typeof outcome === 'string' ? outcome : undefined),
          () => undefined,
        );
      expect(await decide()).toBeDefined();
      const underWay = Array.from({ length: 40 }, decide);
      // Stop as soon as the first of these is answered: the others are on their way.
      await Promise.race(underWay);
      const exited = new Promise<number | null>((resolve) => portal.process.once('exit', resolve));
      portal.process.kill('SIGTERM');
      const answered = (await Promise.all(underWay)).filter((id): id is string => id !== undefined);
      expect(await exited).toBe(0);
      expect(portal.output()).toContain('Stopped.');

      const stored = new Set(await database.sql.column<string>('select consent_id from consent_records'));
      expect(answered.length).toBeGreaterThan(1);
      for (const id of answered) expect(stored.has(id)).toBe(true);
      expect((await findChainBreak(allConsentRecords(database.db()))).firstBreak).toBeUndefined();
    } finally {
      await portal.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
