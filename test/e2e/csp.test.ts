import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { subresourceIntegrity } from '../../src/lib/banner-embed.ts';
import { root } from '../../scripts/support/server-process.ts';
import { baseURL, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';

/** Pages of every kind: visitor pages in several languages, forms, the diff, an error page, and the DPO's pages. */
const visitorPages = [
  '/el/',
  '/pl/policies/privacy-notice',
  '/bg/policies/privacy-notice/history',
  '/nl/policies/privacy-notice/diff/1/2',
  '/nl/consent',
  '/el/requests/new?type=erasure',
  '/pl/requests/new?type=rectification',
  '/nl/requests/resend',
  '/bg/no-such-page',
  '/dpo/login',
];
const dpoPages = ['/dpo', '/dpo?status=open', '/dpo/consent', '/dpo/requests/new?type=erasure'];

let dpoCookie = '';
let session: BrowserSession;
let demo: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  dpoCookie = sessionCookie(await signInDpo(baseURL, createDpoAccount('csp@ostria.example', 'bg', { totp: true }))).slice('portal_dpo='.length);
  expect(dpoCookie).not.toBe('');
  if (hasBrowser) session = await launchBrowser();
  demo = await startDemoServer({ port: 0, portalUrl: baseURL, host: 'localhost' });
});
afterAll(async () => {
  await session?.close();
  await demo?.close();
});

const fetchPage = (path: string) => fetch(`${baseURL}${path}`, { headers: path.startsWith('/dpo/login') ? {} : { Cookie: `portal_dpo=${dpoCookie}` } });

describe('the Content-Security-Policy', () => {
  test.each([...visitorPages, ...dpoPages])('%s: scripts and styles only from the portal, no inline script or style in the HTML', async (path) => {
    const response = await fetchPage(path);
    expect(response.status).toBeLessThan(500);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');

    const html = await response.text();
    expect(html).toContain('<html');
    // Every <script> has a src; no <style> element, no style="" attribute, no inline event handler.
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/gi) ?? []).toEqual([]);
    expect(html.match(/<style[\s>]/gi) ?? []).toEqual([]);
    expect(html.match(/\sstyle="/gi) ?? []).toEqual([]);
    expect(html.match(/\son[a-z]+="/gi) ?? []).toEqual([]);
  });

  describe.skipIf(!hasBrowser)('in Chromium', () => {
    /** Opens a page and collects what the browser refused under the page's policy. */
    async function violationsOn(page: Page, path: string): Promise<string[]> {
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(`${path}: ${message.text()}`);
      });
      const response = await page.goto(path);
      expect(response?.status()).toBeLessThan(500);
      // A stylesheet the policy refused would leave the page unstyled: the layout's CSS must have applied.
      expect(await page.evaluate(() => getComputedStyle(document.body).margin)).not.toBe('8px');
      return refused;
    }

    test('no page in any language makes the browser refuse anything, for visitors and the DPO', async () => {
      const context = await session.newContext();
      await context.addCookies([{ name: 'portal_dpo', value: dpoCookie, url: `${baseURL}/dpo` }]);
      const page = await context.newPage();
      const refused: string[] = [];
      for (const path of [...visitorPages, ...dpoPages]) refused.push(...(await violationsOn(page, path)));
      // A form post and its answer, under the same policy (form-action 'self').
      await page.goto('/pl/');
      await page.locator('[data-consent-banner] button[value="reject-all"]').click();
      await expect.poll(() => page.locator('[data-consent-banner]').count()).toBe(0);
      expect(refused).toEqual([]);
      await context.close();
    });

    test('an embedding site with a strict policy runs the banner pinned by its SRI hash, and a tampered banner not at all', async () => {
      const context = await session.browser.newContext();
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to|integrity/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(`${demo.url}?lang=nl`);
      await expect.poll(() => page.getByRole('dialog').count()).toBe(1);
      expect(refused).toEqual([]);

      // The same page, but the portal (or someone between) serves one changed byte: the browser must refuse to run it.
      await page.route('**/banner.js', async (route) => {
        const original = await route.fetch();
        await route.fulfill({ response: original, body: `${await original.text()};` });
      });
      await page.reload();
      await expect.poll(() => refused.some((text) => /integrity/i.test(text))).toBe(true);
      expect(await page.getByRole('dialog').count()).toBe(0);
      await context.close();
    });
  });
});

describe('what the README tells embedders', () => {
  test('the embed tag carries the SRI hash of the banner this checkout builds, and the CSP lines it needs', async () => {
    const banner = await fetch(`${baseURL}/banner.js`);
    const integrity = subresourceIntegrity(new Uint8Array(await banner.arrayBuffer()));
    expect(integrity).toBe(subresourceIntegrity(readFileSync(join(root, 'public/banner.js'))));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme, 'README.md: update the embed tag with `npm run banner:embed`').toContain(`integrity="${integrity}" crossorigin="anonymous"`);
    expect(readme).toContain('script-src https://PORTAL');
    expect(readme).toContain('connect-src https://PORTAL');
  });
});
