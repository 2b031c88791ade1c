import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';

const texts = readPolicyTexts(join(import.meta.dirname, '../../content/policies'));
const titleOf = (document: string, version: number, locale: Locale) =>
  texts.find((text) => text.document === document && text.version === version && text.locale === locale)?.title;

/** What a visitor reads as the date version 3 of the privacy notice (the portal's own processing, Art. 13(2)(e)) took effect. */
const version3Date: Record<Locale, string> = {
  el: '2 Δεκεμβρίου 2026',
  bg: '2 декември 2026 г.',
  nl: '2 december 2026',
  pl: '2 grudnia 2026',
};
const notFoundTitle: Record<Locale, string> = {
  el: 'Η σελίδα δεν βρέθηκε',
  bg: 'Страницата не е намерена',
  nl: 'Pagina niet gevonden',
  pl: 'Nie znaleziono strony',
};

describe.skipIf(!hasBrowser)('policy pages in Chromium', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = await (await session.newContext()).newPage();
  });
  afterAll(async () => session?.close());

  describe.each(locales)('in %s', (locale) => {
    test('the current privacy notice is version 3, in the page language, with its effective date and contents', async () => {
      const response = await page.goto(`/${locale}/policies/privacy-notice`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(titleOf('privacy-notice', 3, locale));
      expect(await page.locator('.meta').first().textContent()).toContain(version3Date[locale]);
      const contents = page.getByRole('navigation', { name: /./ }).filter({ has: page.locator('a[href="#retention"]') });
      expect(await contents.locator('a').count()).toBe(12);
      await contents.locator('a[href="#retention"]').click();
      expect(page.url()).toMatch(/#retention$/);
      expect(await page.locator('[data-version-status]').count()).toBe(0);
      const alternates = await page
        .locator('link[rel="alternate"][hreflang]')
        .evaluateAll((links) => links.map((link) => `${link.getAttribute('hreflang')} ${new URL(link.getAttribute('href') ?? '').pathname}`));
      expect(alternates).toEqual([...locales.map((other) => `${other} /${other}/policies/privacy-notice`), 'x-default /']);
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('version 1 says it is no longer in effect and links to the current version', async () => {
      await page.goto(`/${locale}/policies/privacy-notice/v/1`);
      const notice = page.getByRole('note');
      expect(await notice.textContent()).toContain(version3Date[locale]);
      await notice.getByRole('link').click();
      await page.waitForURL(`**/${locale}/policies/privacy-notice`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(titleOf('privacy-notice', 3, locale));
    });

    test('history lists every version, newest first, and passes axe', async () => {
      await page.goto(`/${locale}/policies/privacy-notice/history`);
      const rows = page.locator('tbody tr');
      expect(await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-version')))).toEqual(['3', '2', '1']);
      expect(await rows.first().textContent()).toContain(version3Date[locale]);
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('the diff marks the retention period of technical logs changing from 90 to 30 days', async () => {
      await page.goto(`/${locale}/policies/privacy-notice/history`);
      await page.locator(`a[href="/${locale}/policies/privacy-notice/diff/1/2"]`).click();
      await page.waitForURL(`**/${locale}/policies/privacy-notice/diff/1/2`);
      const retention = page.locator('section#retention');
      expect(await retention.getAttribute('data-status')).toBe('changed');
      expect(await retention.locator('del').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('90')]));
      expect(await retention.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('30')]));
      expect(await page.locator('section#recipients ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Balkan Backup')]));
      expect(await page.locator('section#controller').getAttribute('data-status')).toBe('unchanged');
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('the diff from version 2 to 3 adds the portal’s own processing and Art. 13(2)(e), and changes the deadline', async () => {
      await page.goto(`/${locale}/policies/privacy-notice/history`);
      await page.locator(`a[href="/${locale}/policies/privacy-notice/diff/2/3"]`).click();
      await page.waitForURL(`**/${locale}/policies/privacy-notice/diff/2/3`);
      expect(await page.locator('section#portal-processing').getAttribute('data-status')).toBe('added');
      expect(await page.locator('section#required-data').getAttribute('data-status')).toBe('added');
      expect(await page.locator('section#retention ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('36')]));
      expect(await page.locator('section#rights').getAttribute('data-status')).toBe('changed');
      expect(await page.locator('section#controller').getAttribute('data-status')).toBe('unchanged');
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('the cookie policy’s diff from version 1 to 2 changes the portal’s cookie table and adds the websites’ one', async () => {
      await page.goto(`/${locale}/policies/cookie-policy/history`);
      await page.locator(`a[href="/${locale}/policies/cookie-policy/diff/1/2"]`).click();
      await page.waitForURL(`**/${locale}/policies/cookie-policy/diff/1/2`);
      const list = page.locator('section#list');
      expect(await list.getAttribute('data-status')).toBe('changed');
      expect(await list.locator('del').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('portal_dpo_session')]));
      expect(await list.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('portal_request')]));
      expect(await page.locator('section#websites').getAttribute('data-status')).toBe('added');
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('the home page lists the notices and the six rights, and passes axe', async () => {
      await page.goto(`/${locale}/`);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.getByRole('link', { name: titleOf('privacy-notice', 3, locale) ?? '' }).count()).toBeGreaterThan(0);
      expect(await page.locator('main a[href*="/requests/new?type="]').count()).toBe(6);
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });

    test('unknown documents and versions answer the localized 404 page', async () => {
      for (const path of ['policies/nope', 'policies/privacy-notice/v/9', 'policies/privacy-notice/diff/1/9', 'nope']) {
        const response = await page.goto(`/${locale}/${path}`);
        expect(response?.status(), path).toBe(404);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(notFoundTitle[locale]);
      }
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
    });
  });

  test('the language switcher keeps the document and version, and `/` remembers the choice', async () => {
    const context = await session.newContext({ locale: 'nl-NL' });
    const visitor = await context.newPage();
    await visitor.goto('/');
    expect(new URL(visitor.url()).pathname).toBe('/nl/');
    await visitor.goto('/el/policies/privacy-notice/v/1');
    await visitor.getByRole('navigation', { name: 'Γλώσσα' }).getByRole('link', { name: 'Polski' }).click();
    await visitor.waitForURL('**/pl/policies/privacy-notice/v/1');
    expect(await visitor.locator('html').getAttribute('lang')).toBe('pl');
    expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe(titleOf('privacy-notice', 1, 'pl'));
    await visitor.goto('/');
    expect(new URL(visitor.url()).pathname).toBe('/pl/');
    await context.close();
  });

  test('Accept-Language decides the language of `/` and of a 404 outside any locale', async () => {
    const context = await session.newContext({ extraHTTPHeaders: { 'Accept-Language': 'en-GB, bg;q=0.8, pl;q=0.5' } });
    const visitor = await context.newPage();
    await visitor.goto('/');
    expect(new URL(visitor.url()).pathname).toBe('/bg/');
    const response = await visitor.goto('/de/policies/privacy-notice');
    expect(response?.status()).toBe(404);
    expect(await visitor.locator('html').getAttribute('lang')).toBe('bg');
    expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe(notFoundTitle.bg);
    await context.close();
  });

  test('policy pages read the same with JavaScript off', async () => {
    const context = await session.newContext({ javaScriptEnabled: false });
    const visitor = await context.newPage();
    await visitor.goto('/pl/policies/privacy-notice/diff/1/2');
    expect(await visitor.locator('section#retention del').count()).toBeGreaterThan(0);
    await visitor.getByRole('link', { name: 'Ελληνικά' }).click();
    await visitor.waitForURL('**/el/policies/privacy-notice/diff/1/2');
    await context.close();
  });
});

test('the e2e server is the built portal', async () => {
  const response = await fetch(`${baseURL}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});
