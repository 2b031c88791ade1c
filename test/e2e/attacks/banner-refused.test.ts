// Attack class "banner refused": the banner on a page whose origin its site does not allow, and the banner whose
// decision the portal refuses (429). A banner refused is a banner silent: nothing shown, no cookie claiming a record
// that was not made, no gated script run, and one console error telling the site owner why. In Chromium, against a
// portal of its own that records one decision a minute per visitor.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoServer } from '../../../scripts/demo-server.mjs';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from '../browser.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw } from '../raw-http.ts';
import { runScript } from '../scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-attack-banner-'));
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession | undefined;
let demo: { url: string; close: () => Promise<void> } | undefined;
let elsewhere: Server | undefined;
let elsewhereUrl = '';

/** A page on 127.0.0.2, an origin the `demo` site does not allow, embedding the demo site's banner with gated scripts. */
function embeddingPage(portalOrigin: string): string {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Elders</title>
<script src="${portalOrigin}/banner.js" data-site="demo" defer></script></head><body><main><h1>Elders</h1>
<script type="text/plain" data-category="necessary">window.necessaryRan = true;</script>
<script type="text/plain" data-category="analytics">window.analyticsRan = true; document.cookie = '_osa_id=1;path=/';</script>
</main></body></html>`;
}

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: join(dataDir, 'outbox'),
    CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '1',
  });
  if (!hasBrowser) return;
  session = await launchBrowser();
  demo = await startDemoServer({ port: 0, portalUrl: portal.baseURL, host: 'localhost' });
  const html = embeddingPage(portal.baseURL);
  elsewhere = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((listening) => elsewhere?.listen(0, '127.0.0.2', () => listening()));
  const address = elsewhere.address();
  elsewhereUrl = `http://127.0.0.2:${typeof address === 'object' && address ? address.port : 0}/`;
});

afterAll(async () => {
  await session?.close();
  await demo?.close();
  await new Promise((closed) => (elsewhere ? elsewhere.close(closed) : closed(undefined)));
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const demoRecords = () => database.sql.value<number>("select count(*) from consent_records where site_id = 'demo'");

async function consentCookie(context: BrowserContext, url: string) {
  return (await context.cookies(url)).find((cookie) => cookie.name === 'portal_consent');
}

const ran = (page: Page) =>
  page.evaluate(() => {
    const flags = window as unknown as { necessaryRan?: boolean; analyticsRan?: boolean; marketingRan?: boolean };
    return { necessary: flags.necessaryRan === true, analytics: flags.analyticsRan === true, marketing: flags.marketingRan === true };
  });

describe('GET /api/consent/config', () => {
  const config = (origin?: string) => sendRaw(portal.baseURL, 'GET', '/api/consent/config?site=demo&lang=nl', { headers: origin ? { Origin: origin } : {} });

  test('an origin the site does not allow gets a 403 it can read, naming the site and the origin', async () => {
    const refused = await config('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.headers['access-control-allow-origin']).toBeDefined();
    expect(refused.headers.vary).toMatch(/Origin/);
    const { error } = JSON.parse(refused.body) as { error: { code: string; message: string } };
    expect(error.code).toBe('origin_not_allowed');
    expect(error.message).toContain('"demo"');
    expect(error.message).toContain('https://evil.example');
    expect(refused.body).not.toContain('revision');
  });

  test('an allowed origin and a request without Origin get the configuration, varying by Origin', async () => {
    const allowed = await config('http://localhost:4322');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.vary).toMatch(/Origin/);
    expect((JSON.parse(allowed.body) as { site: string }).site).toBe('demo');
    const plain = await config();
    expect(plain.status).toBe(200);
    expect((JSON.parse(plain.body) as { revision: string }).revision).toMatch(/^\d+-[0-9a-f]{8}$/);
  });
});

describe.skipIf(!hasBrowser)('the banner in Chromium', () => {
  test('on an origin its site does not allow: nothing shown, no cookie, nothing run, one console error naming site and origin', async () => {
    const context = await (session as BrowserSession).browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const configAnswer = page.waitForResponse((response) => response.url().includes('/api/consent/config'));
    await page.goto(elsewhereUrl);
    await configAnswer;
    const origin = new URL(elsewhereUrl).origin;
    // Chromium itself logs the failed fetch ("Failed to load resource"); the banner's own message names the site.
    await expect.poll(() => errors.filter((text) => text.includes('"demo"')), { timeout: 5_000 }).toHaveLength(1);
    expect(errors.find((text) => text.includes('"demo"'))).toContain(origin);
    await page.waitForTimeout(300);
    expect(await page.locator('portal-consent').count()).toBe(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await consentCookie(context, elsewhereUrl)).toBeUndefined();
    expect(await ran(page)).toEqual({ necessary: false, analytics: false, marketing: false });
    expect(errors.filter((text) => text.includes('"demo"'))).toHaveLength(1);
    await context.close();
  });

  test('when the portal refuses a decision (429), no cookie claims it and no gated script runs; the next page asks again', async () => {
    const demoUrl = `${demo?.url}?lang=nl`;
    const before = await demoRecords();

    // Without the banner's 0.2 s fade-in, so axe judges the colours as they end up, not a frame of the animation.
    const first = await (session as BrowserSession).browser.newContext({ reducedMotion: 'reduce' });
    const firstPage = await first.newPage();
    await firstPage.goto(demoUrl);
    await firstPage.getByRole('dialog').waitFor();
    expect(await axeViolations(firstPage), describeViolations(await axeViolations(firstPage))).toEqual([]);
    const accepted = firstPage.waitForResponse((response) => response.url().endsWith('/api/consent') && response.request().method() === 'POST');
    await firstPage.locator('[data-consent-action="accept-all"]').click();
    expect((await accepted).status()).toBe(201);
    await expect.poll(() => consentCookie(first, demoUrl)).toBeDefined();
    await expect.poll(() => ran(firstPage)).toMatchObject({ analytics: true, marketing: true });
    await first.close();

    // The same address within the minute: the portal refuses to record a second decision.
    const second = await (session as BrowserSession).browser.newContext();
    const page = await second.newPage();
    await page.goto(demoUrl);
    await page.getByRole('dialog').waitFor();
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/consent') && response.request().method() === 'POST');
    await page.locator('[data-consent-action="accept-all"]').click();
    expect((await refused).status()).toBe(429);
    await page.waitForTimeout(300);
    expect(await consentCookie(second, demoUrl)).toBeUndefined();
    expect(await ran(page)).toEqual({ necessary: false, analytics: false, marketing: false });
    expect((await second.cookies(demoUrl)).map((cookie) => cookie.name)).not.toContain('_osa_id');
    expect(await demoRecords()).toBe(before + 1);
    await page.reload();
    await page.getByRole('dialog').waitFor();
    await second.close();
  });
});

describe.skipIf(!hasBrowser)('a withdrawal the portal does not record', () => {
  test('still stops what it withdraws, and drops the cookie so that the next page asks again instead of granting', async () => {
    const demoUrl = `${demo?.url}?lang=pl`;
    const { revision } = JSON.parse((await sendRaw(portal.baseURL, 'GET', '/api/consent/config?site=demo&lang=pl')).body) as { revision: string };
    const context = await (session as BrowserSession).browser.newContext();
    // Everything granted under the current terms, as an earlier visit recorded it.
    await context.addCookies([
      { name: 'portal_consent', value: `abcdefghijklmnopqrstuv.${revision}.111.${Math.floor(Date.now() / 1000) + 86_400}`, url: demoUrl },
    ]);
    // However it comes (a 429, the portal unreachable), the portal does not record this decision.
    await context.route(`${portal.baseURL}/api/consent`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 429, headers: { 'Access-Control-Allow-Origin': '*', 'Retry-After': '60' }, body: '{}' })
        : route.fallback(),
    );
    const page = await context.newPage();
    await page.goto(demoUrl);
    await expect.poll(() => ran(page)).toMatchObject({ analytics: true, marketing: true });
    await page.locator('a[data-consent-open]').click();
    await page.locator('[data-consent-action="reject-all"]').click();
    // What already ran is stopped by a reload; the withdrawn categories' cookies are gone.
    await page.waitForLoadState('load');
    await expect.poll(() => consentCookie(context, demoUrl)).toBeUndefined();
    await expect.poll(async () => (await context.cookies(demoUrl)).map((cookie) => cookie.name)).not.toContain('_osa_id');
    await page.getByRole('dialog').waitFor();
    expect(await ran(page)).toEqual({ necessary: false, analytics: false, marketing: false });
    await context.close();
  });
});

describe('npm run banner:embed', () => {
  test('refuses a site that does not exist', () => {
    const result = runScript('scripts/banner-embed.ts', ['--site', 'nope']);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('<script');
    expect(result.stderr).toContain('"nope"');
    expect(result.stderr).toMatch(/portal.*demo|demo.*portal/);
  });

  test('prints the tag for a configured site', () => {
    const result = runScript('scripts/banner-embed.ts', ['--site', 'demo']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/<script src="[^"]+\/banner\.js" data-site="demo" integrity="sha384-/);
  });
});
