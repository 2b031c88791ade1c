import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Executor } from '../../db/store.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { findRequest } from '../../src/lib/requests.repo.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { sharedPortalStore } from './store.ts';

// Issue 15: the requester may give a phone number for the systems to be searched by too.
type Messages = { requests: { form: { submit: string; phone: string; phoneHelp: string }; errors: { phone: string } } };
const messages = Object.fromEntries(
  (['el', 'pl'] as const).map((locale) => [locale, JSON.parse(readFileSync(join(import.meta.dirname, `../../locales/${locale}.json`), 'utf8'))]),
) as Record<'el' | 'pl', Messages>;

const shots = join(import.meta.dirname, '../../.shots');
let session: BrowserSession;
const portalStore = sharedPortalStore();
let db: Executor;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  if (hasBrowser) session = await launchBrowser();
  db = portalStore.db();
});
afterAll(async () => {
  await session?.close();
  await portalStore.close();
});

/** What a person types, per language: a number written as people write them, and the form it is kept in. */
const typed = {
  el: { name: 'Γιώργος Νικολάου', phone: '+30 (2310) 555-871', stored: '+302310555871', details: 'Όλα τα δεδομένα <b>του λογαριασμού</b>' },
  pl: { name: 'Katarzyna Wiśniewska', phone: '+48 12 555 04 61', stored: '+48125550461', details: 'Wszystko, co macie – także faktury' },
} as const;

async function fillForm(page: Page, locale: 'el' | 'pl', email: string, phone: string) {
  await page.goto(`/${locale}/requests/new?type=access`);
  await page.fill('#field-name', typed[locale].name);
  await page.fill('#field-email', email);
  await page.fill('#field-customerReference', 'C-1042');
  await page.fill('#field-details', typed[locale].details);
  await page.fill('#field-phone', phone);
  await page.check('#field-declaration');
  await page.getByRole('button', { name: messages[locale].requests.form.submit }).click();
}

describe.skipIf(!hasBrowser)('the phone number on a request', () => {
  describe.each(['el', 'pl'] as const)('in %s', (locale: Locale & ('el' | 'pl')) => {
    describe.each([false, true])('with JavaScript %s', (javaScriptEnabled) => {
      let context: BrowserContext;
      beforeAll(async () => {
        context = await session.newContext({ javaScriptEnabled });
      });
      afterAll(async () => context.close());

      test('is offered as an optional telephone field with its help, and kept as the DPO’s search compares it', async () => {
        const page = await context.newPage();
        await page.goto(`/${locale}/requests/new?type=access`);
        const field = page.getByLabel(messages[locale].requests.form.phone);
        expect(await field.getAttribute('type')).toBe('tel');
        expect(await field.getAttribute('autocomplete')).toBe('tel');
        expect(await field.getAttribute('inputmode')).toBe('tel');
        expect(await field.getAttribute('required')).toBeNull();
        expect(await page.locator('#field-phone-help').textContent()).toBe(messages[locale].requests.form.phoneHelp);
        expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('field-phone-help');

        const email = `phone.${locale}.${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
        await fillForm(page, locale, email, typed[locale].phone);
        await page.waitForURL(`**/${locale}/requests/submitted`);
        const reference = (await page.locator('[data-reference]').textContent()) ?? '';
        expect(await findRequest(db, reference)).toMatchObject({ email, phone: typed[locale].stored, customerReference: 'C-1042' });
      });

      test('a number that is not one is refused with a message beside the field, and everything typed is kept', async () => {
        const page = await context.newPage();
        const email = `phone.bad.${locale}.${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
        await fillForm(page, locale, email, '2310 555 871 ή 6944');
        await page.waitForSelector('#field-phone-error');
        expect(page.url()).not.toContain('/submitted');
        expect(await page.locator('#field-phone-error').textContent()).toBe(messages[locale].requests.errors.phone);
        const field = page.locator('#field-phone');
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('field-phone-error');
        expect(await field.inputValue()).toBe('2310 555 871 ή 6944');
        expect(await page.locator('#field-name').inputValue()).toBe(typed[locale].name);
        expect(await page.locator('#field-email').inputValue()).toBe(email);
        expect(await page.locator('#field-customerReference').inputValue()).toBe('C-1042');
        expect(await page.locator('#field-details').inputValue()).toBe(typed[locale].details);
        expect(await page.locator('#field-declaration').isChecked()).toBe(true);
        // Only the phone number is wrong: the summary names it alone, and links to it.
        expect(await page.locator('[data-error-summary] li').allTextContents()).toEqual([
          `${messages[locale].requests.form.phone}: ${messages[locale].requests.errors.phone}`,
        ]);
        expect(await page.locator('[data-error-summary] a').getAttribute('href')).toBe('#field-phone');
        // axe runs in the page, so only where scripts run; the page is the same server-rendered answer either way.
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          expect(violations, describeViolations(violations)).toEqual([]);
          await page.locator('form[data-request-form]').screenshot({ path: join(shots, `phone-error-${locale}.png`) });
        }
      });
    });
  });

  test('the DPO sees the number with the requester’s other identifiers', async () => {
    const page = await (await session.newContext()).newPage();
    await fillForm(page, 'pl', 'phone.dpo.view@example.com', '+48 600-100-200');
    await page.waitForURL('**/pl/requests/submitted');
    const reference = (await page.locator('[data-reference]').textContent()) ?? '';
    const account = createDpoAccount('phone.reader@ostria.example', 'pl');
    const cookie = sessionCookie(await signInDpo(baseURL, account));
    expect(cookie).not.toBe('');
    const html = await (await fetch(`${baseURL}/dpo/requests/${reference}`, { headers: { Cookie: cookie } })).text();
    expect(html).toMatch(/data-submitted-field="customerReference"[^>]*>C-1042</);
    expect(html).toMatch(/data-submitted-field="phone"[^>]*>\+48600100200</);
    await page.context().close();
  });
});

describe('the request API', () => {
  const post = (body: unknown) =>
    fetch(`${baseURL}/api/requests`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  const valid = { type: 'access', locale: 'el', name: 'Γιώργος Νικολάου', email: 'phone.api@example.gr', declaration: true };

  test('takes a phone number and keeps it in its lookup form; refuses a bad one with a 400 and the message in the request’s language', async () => {
    const taken = await post({ ...valid, phone: '+30 2310 555-871' });
    expect(taken.status).toBe(201);
    const { reference } = (await taken.json()) as { reference: string };
    expect((await findRequest(db, reference))?.phone).toBe('+302310555871');

    const refused = await post({ ...valid, email: 'phone.api.bad@example.gr', phone: 'call me' });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { fields: Record<string, { problem: string; message: string }> } };
    expect(body.error.fields).toEqual({ phone: { problem: 'phone', message: messages.el.requests.errors.phone } });
    expect((await post({ ...valid, email: 'phone.api.number@example.gr', phone: 302310555871 })).status).toBe(400);
  });
});
