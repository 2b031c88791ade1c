// Issue 16, an objection to direct marketing (Art. 21(2)–(3)): the requester chooses it and gives no grounds; the DPO's
// page says that completing it withdraws the person's marketing consents, and once completed they are withdrawn on
// every channel, recorded as withdrawn by the objection. Dutch (JavaScript off) and Polish (on) requesters, a Greek
// DPO (JavaScript off) and a Dutch one (on).
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Store } from '../../db/store.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { marketingCounts } from '../../src/lib/request-trail.ts';
import { confirmedSignup } from '../support/marketing.ts';
import { axeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount } from './dpo-account.ts';
import { signInOnPage, verifyAndStart } from './dpo-steps.ts';
import { translate } from './scripts.ts';
import { sharedPortalStore } from './store.ts';

const portalStore = sharedPortalStore();
let store: Store;
let session: BrowserSession;
beforeAll(async () => {
  store = portalStore.store();
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => {
  await session?.close();
  await portalStore.close();
});

/** A number nobody else in the shared portal uses: +48 and nine digits. */
const freshPhone = () => `+48${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/** The person's newsletter at their address and SMS offers at their number, both confirmed. */
async function marketingConsents(locale: Locale, email: string, phone: string) {
  const signup = { locale, consentId: undefined, policyVersion: 3, wording: 'Ja, stuur me aanbiedingen.', now: Date.now() - 60_000 };
  await confirmedSignup(store, { ...signup, channel: 'email', address: email });
  await confirmedSignup(store, { ...signup, channel: 'sms', address: phone });
}

/** Files the objection on the public form; returns the reference the confirmation page shows. */
async function fileObjection(page: Page, locale: Locale, email: string, phone: string): Promise<string> {
  const t = translate(locale);
  await page.goto(`/${locale}/requests/new?type=objection`);
  const choice = page.locator('[data-field="objectionTo"]');
  expect(await choice.locator('legend').textContent()).toBe(t('requests.form.objectionTo'));
  expect(await choice.locator('label[for="field-objectionTo-direct-marketing"]').textContent()).toBe(t('requests.form.objectionToMarketing'));
  // Nothing is chosen for the requester.
  expect(await choice.locator('input:checked').count()).toBe(0);
  await page.check('#field-objectionTo-direct-marketing');
  await page.fill('#field-name', locale === 'pl' ? 'Piotr Wiśniewski' : 'Sanne de Vries');
  await page.fill('#field-email', email);
  await page.fill('#field-phone', phone);
  await page.check('#field-declaration');
  await page.locator('form[data-request-form] button[type="submit"]').click();
  await page.waitForURL(`**/${locale}/requests/submitted`);
  return (await page.locator('[data-reference]').textContent()) ?? '';
}

describe.skipIf(!hasBrowser)('an objection to direct marketing', () => {
  test('an objection to other processing still needs its scope and grounds (Dutch, JavaScript off)', async () => {
    const t = translate('nl');
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/nl/requests/new?type=objection');
    await page.check('#field-objectionTo-other');
    await page.fill('#field-name', 'Sanne de Vries');
    await page.fill('#field-email', `objection-other-${randomUUID().slice(0, 8)}@example.nl`);
    await page.check('#field-declaration');
    await page.locator('form[data-request-form] button[type="submit"]').click();
    await page.waitForLoadState();
    expect(await page.locator('#field-scope-error').textContent()).toBe(t('requests.errors.required'));
    expect(await page.locator('#field-grounds-error').textContent()).toBe(t('requests.errors.required'));
    expect(await page.locator('#field-objectionTo-other').isChecked()).toBe(true);
    await context.close();
  });

  test.each([
    ['nl', false, 'el'],
    ['pl', true, 'nl'],
  ] as const)(
    'a %s requester (JavaScript on: %s) objects without grounds; a %s DPO completes it and every marketing consent is withdrawn',
    async (locale, javaScriptEnabled, dpoLocale) => {
      const dt = translate(dpoLocale);
      const email = `objection-${locale}-${randomUUID().slice(0, 8)}@example.com`;
      const phone = freshPhone();
      await marketingConsents(locale, email, phone);

      const requester = await session.newContext({ javaScriptEnabled });
      const form = await requester.newPage();
      if (javaScriptEnabled) {
        await form.goto(`/${locale}/requests/new?type=objection`);
        expect(await axeViolations(form)).toEqual([]);
        if (process.env.SHOTS) await form.screenshot({ path: `.shots/objection-form-${locale}.png`, fullPage: true });
      }
      const reference = await fileObjection(form, locale, email, phone);
      expect(reference).toMatch(/^DSR-\d{4}-/);
      await requester.close();

      const dpo = await session.newContext({ javaScriptEnabled });
      const page = await dpo.newPage();
      await signInOnPage(page, createDpoAccount(`objection-dpo-${randomUUID().slice(0, 8)}@ostria.example`, dpoLocale));
      await verifyAndStart(page, reference);
      // What the requester sent reads as the DPO's language names it; before completing, the page says what will go.
      expect(await page.locator('[data-submitted-field="scope"]').textContent()).toBe(dt('requests.form.objectionToMarketing'));
      const counts = marketingCounts({ email: 1, sms: 1, phone: 0 }, dt, dpoLocale);
      expect(await page.locator('[data-marketing-to-withdraw]').textContent()).toBe(dt('dpo.request.objection.willWithdraw', { channels: counts }));
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      if (process.env.SHOTS) await page.screenshot({ path: `.shots/objection-dpo-${locale}.png`, fullPage: true });
      // The answer starts from the template in the requester's language; the DPO writes it in that language.
      const message = page.locator('form[data-action="complete"] textarea[name="message"]');
      expect(await message.getAttribute('lang')).toBe(locale);
      await message.fill(locale === 'pl' ? 'Nie będziemy już wysyłać Ci ofert.' : 'We sturen je geen aanbiedingen meer.');
      await page.locator('form[data-action="complete"] button[type="submit"]').click();
      await page.waitForURL('**?done=complete#result');
      expect(await page.locator('[data-marketing-to-withdraw]').count()).toBe(0);
      expect(await page.textContent('main')).toContain(dt('dpo.request.objection.withdrawn', { channels: counts }));

      // The DPO's consent search shows both withdrawn, by the objection.
      for (const query of [email, phone]) {
        await page.goto(`/dpo/consent?q=${encodeURIComponent(query)}`);
        const status = page.locator('[data-marketing-status]');
        expect(await status.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-marketing-status')))).toEqual(['withdrawn']);
        expect(await page.locator('[data-marketing-event="withdrawn"]').textContent()).toContain(dt('dpo.consent.marketingVia.objection'));
      }
      await dpo.close();
    },
  );
});
