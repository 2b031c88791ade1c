import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';

const messages = Object.fromEntries(
  locales.map((locale) => [locale, JSON.parse(readFileSync(join(import.meta.dirname, `../../locales/${locale}.json`), 'utf8'))]),
) as Record<
  Locale,
  {
    banner: { acceptAll: string; rejectAll: string };
    consent: { cookies: { save: string; saved: string; gpc: string } };
    marketing: { errors: { email: string; confirmation: string } };
  }
>;

let session: BrowserSession;

/**
 * axe needs script in the page; a JavaScript-off context cannot run it. The portal's pages have no script, so the
 * same page with the same cookies in a JavaScript-on context is the same page.
 */
async function axeOnSamePage(context: BrowserContext, url: string) {
  const twin = await session.newContext({ storageState: await context.storageState() });
  const page = await twin.newPage();
  await page.goto(url);
  const violations = await axeViolations(page);
  await twin.close();
  return violations;
}
beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

describe.skipIf(!hasBrowser)('consent on the portal itself, with JavaScript off', () => {
  describe.each(locales)('in %s', (locale) => {
    test('the first layer is in the page, its buttons post forms, and the choice shows on the preferences page', async () => {
      const context = await session.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`/${locale}/policies/cookie-policy`);
      const banner = page.locator('[data-consent-banner]');
      expect(await banner.isVisible()).toBe(true);
      const heights = await Promise.all(
        ['accept-all', 'reject-all', 'customize'].map(async (action) => (await banner.locator(`[data-consent-action="${action}"]`).boundingBox())?.height),
      );
      expect(new Set(heights).size).toBe(1);
      const bannerViolations = await axeOnSamePage(context, page.url());
      expect(bannerViolations, describeViolations(bannerViolations)).toEqual([]);

      await banner.getByRole('button', { name: messages[locale].banner.rejectAll }).click();
      await page.waitForURL(`**/${locale}/policies/cookie-policy`);
      expect(await page.locator('[data-consent-banner]').count()).toBe(0);

      await page.goto(`/${locale}/consent`);
      const consentId = await page.locator('[data-consent-id]').textContent();
      expect(consentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await page.locator('[data-consent-history] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual([
        'reject-all',
      ]);

      await page.getByRole('checkbox', { name: /./ }).nth(2).check();
      await page.getByRole('button', { name: messages[locale].consent.cookies.save }).click();
      expect(await page.getByRole('status').first().textContent()).toBe(messages[locale].consent.cookies.saved);
      expect(await page.locator('[data-consent-history] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual([
        'custom',
        'reject-all',
      ]);
      expect(await page.getByRole('checkbox', { name: /./ }).nth(2).isChecked()).toBe(true);
      const pageViolations = await axeOnSamePage(context, `/${locale}/consent`);
      expect(pageViolations, describeViolations(pageViolations)).toEqual([]);

      const receipt = await context.request.get(`/api/consent/${consentId}/receipt`);
      expect(receipt.headers()['content-disposition']).toContain('attachment');
      const body = (await receipt.json()) as { consentId: string; granted: string[]; denied: string[]; history: unknown[]; controller: { name: string } };
      expect(body).toMatchObject({
        consentId,
        granted: ['necessary', 'analytics'],
        denied: ['preferences', 'marketing'],
        controller: { name: 'Ostria Mail & Hosting S.A.' },
      });
      expect(body.history).toHaveLength(2);
      await context.close();
    });

    test('marketing sign-up errors appear beside the field in the page language, with the typed value kept', async () => {
      const context = await session.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`/${locale}/consent`);
      await page.fill('#email-email', 'maria@@example');
      await page.locator('[data-channel="email"] button[type="submit"]').click();
      expect(await page.locator('#email-email-error').textContent()).toBe(messages[locale].marketing.errors.email);
      expect(await page.locator('#email-agree-error').textContent()).toBe(messages[locale].marketing.errors.confirmation);
      expect(await page.locator('#email-email').inputValue()).toBe('maria@@example');
      expect(await page.locator('#email-email').getAttribute('aria-describedby')).toBe('email-email-error');
      await context.close();

      // The error state, checked by axe: the same form posted from a JavaScript-on page.
      const scripted = await session.newContext();
      const form = await scripted.newPage();
      await form.goto(`/${locale}/consent`);
      await form.fill('#email-email', 'maria@@example');
      await form.locator('[data-channel="email"] button[type="submit"]').click();
      await form.locator('#email-email-error').waitFor();
      expect(await axeViolations(form), describeViolations(await axeViolations(form))).toEqual([]);
      await scripted.close();
    });
  });

  test('Global Privacy Control on the portal is recorded once as a refusal and shows no banner', async () => {
    const context = await session.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { 'Sec-GPC': '1' } });
    const page = await context.newPage();
    await page.goto('/bg/');
    expect(await page.locator('[data-consent-banner]').count()).toBe(0);
    await page.goto('/bg/');
    await page.goto('/bg/consent');
    expect(await page.locator('[data-consent-history] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual(['gpc']);
    expect(await page.locator('#cookies').textContent()).toContain(messages.bg.consent.cookies.gpc);
    await context.close();
  });
});
