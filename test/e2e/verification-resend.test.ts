// Issue 16, a new verification link: the requester whose link expired asks for a new one by reference and address,
// gets the same answer whether or not such a request waits, and the new link verifies while the old one is refused.
// Dutch with JavaScript off, Polish with it on.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Locale } from '../../src/lib/locale.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { outboxMessagesTo, waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';
import organisation from '../../content/organisation.json' with { type: 'json' };
import { sharedPortalStore } from './store.ts';

const outbox = join(inject('dataDir'), 'outbox');
const portalStore = sharedPortalStore();
let session: BrowserSession;
beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => {
  await session?.close();
  await portalStore.close();
});

const verifyLinkIn = (text: string, locale: string, reference: string) =>
  new RegExp(`http://[^\\s"<>]+/${locale}/requests/${reference}\\?token=[\\w-]+&verify=[\\w-]+`).exec(text)?.[0] ?? '';

/** A request submitted online whose verification link has run out (its expiry moved into the past). */
async function requestWithExpiredLink(locale: Locale) {
  const email = `resend-${randomUUID().slice(0, 8)}@example.${locale}`;
  const answer = await fetch(`${baseURL}/api/requests`, {
    method: 'POST',
    body: JSON.stringify({ type: 'access', locale, name: 'Jan Kowalski', email, declaration: true }),
  });
  const { reference } = (await answer.json()) as { reference: string };
  const verifyUrl = verifyLinkIn((await waitForMessageTo(outbox, email)).text, locale, reference);
  await portalStore.sql.run('update requests set verify_expires_at = ? where reference = ?', Date.now() - 60_000, reference);
  return { email, reference, verifyUrl };
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** Asks for a new link on the page the browser is on (the resend form), and waits for the answer page. */
async function ask(page: Page, fields: { reference?: string; email: string }): Promise<void> {
  if (fields.reference !== undefined) await page.fill('#field-reference', fields.reference);
  await page.fill('#field-email', fields.email);
  await page.locator('form[data-resend-form] button[type="submit"]').click();
  await page.waitForLoadState();
}

describe.skipIf(!hasBrowser)('a new verification link', () => {
  test.each([
    ['nl', false],
    ['pl', true],
  ] as const)('in %s (JavaScript on: %s): expired link, a new one asked for and mailed, the identity confirmed with it', async (locale, javaScriptEnabled) => {
    const t = translate(locale);
    const { email, reference, verifyUrl } = await requestWithExpiredLink(locale);
    const page = await (await session.newContext({ javaScriptEnabled })).newPage();

    await page.goto(verifyUrl);
    expect(await page.locator('[data-link-expired] p').first().textContent()).toBe(t('requests.status.linkExpired', { dpoEmail: organisation.dpo.email }));
    await page.getByRole('link', { name: t('requests.status.askNewLink') }).click();
    await page.waitForURL(`**/${locale}/requests/resend?reference=${reference}`);
    expect(await page.locator('h1').textContent()).toBe(t('requests.resend.title'));
    expect(await page.locator('#field-reference').inputValue()).toBe(reference);
    expect(await page.locator('form[data-resend-form]').getAttribute('novalidate')).not.toBeNull();
    if (javaScriptEnabled) await expectNoAxeViolations(page);

    // Without an address: the portal's message next to the field, in the requester's language.
    await ask(page, { email: '' });
    expect(await page.locator('#field-email-error').textContent()).toBe(t('requests.errors.required'));

    await ask(page, { email: email.toUpperCase() });
    await page.waitForURL(`**/${locale}/requests/resend?sent=1`);
    expect(await page.locator('[data-resend-sent]').textContent()).toBe(t('requests.resend.sent'));
    if (javaScriptEnabled) await expectNoAxeViolations(page);

    await expect.poll(async () => (await outboxMessagesTo(outbox, email)).length, { timeout: 10_000 }).toBe(2);
    const mails = await outboxMessagesTo(outbox, email);
    const newUrl = mails.map((mail) => verifyLinkIn(mail.text, locale, reference)).find((url) => url !== verifyUrl) ?? '';
    expect(newUrl).not.toBe('');
    expect(mails.every((mail) => /Content-Language: /i.test(mail.headerBlock) && mail.headerBlock.includes(locale))).toBe(true);

    // The old link is refused now (not merely expired), the new one confirms the address.
    await page.goto(verifyUrl);
    expect(await page.locator('main').textContent()).toContain(t('requests.status.linkInvalid'));
    await page.goto(newUrl);
    await page.locator('[data-confirm-email] button').click();
    await page.waitForURL('**&confirmed=1');
    expect(await page.locator('main').textContent()).toContain(t('requests.status.confirmed'));
    await page.context().close();
  });

  test.each([
    ['nl', false],
    ['pl', true],
  ] as const)('in %s (JavaScript on: %s): an unknown reference gets the same answer, and nothing is mailed', async (locale, javaScriptEnabled) => {
    const t = translate(locale);
    const page = await (await session.newContext({ javaScriptEnabled })).newPage();
    const email = `nobody-${randomUUID().slice(0, 8)}@example.${locale}`;
    await page.goto(`/${locale}/requests/resend`);
    await ask(page, { reference: 'DSR-2026-ZZZZZ9', email });
    await page.waitForURL(`**/${locale}/requests/resend?sent=1`);
    expect(await page.locator('[data-resend-sent]').textContent()).toBe(t('requests.resend.sent'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await outboxMessagesTo(outbox, email)).toEqual([]);
    await page.context().close();
  });

  test('over the limit for one reference: a "try later" that says nothing about the request', async () => {
    const t = translate('pl');
    const reference = `DSR-2026-${randomUUID()
      .replace(/[^0-9]/g, '')
      .slice(0, 6)
      .padEnd(6, '0')}`;
    const post = () =>
      fetch(`${baseURL}/pl/requests/resend`, {
        method: 'POST',
        headers: { Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ reference, email: 'someone@example.pl' }),
        redirect: 'manual',
      });
    for (let index = 0; index < 3; index += 1) expect((await post()).status).toBe(303);
    const refused = await post();
    expect(refused.status).toBe(429);
    const html = await refused.text();
    expect(html).toContain(t('requests.resend.tooMany', { dpoEmail: organisation.dpo.email }));
    expect(html).not.toContain('data-resend-sent');
  });

  test('a hand-made post with a field the form does not have gets the same answer, never a 500', async () => {
    const answer = await fetch(`${baseURL}/bg/requests/resend`, {
      method: 'POST',
      headers: { Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: 'DSR-2026-QQQQQQ', email: 'x@example.bg', admin: '1' }),
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/bg/requests/resend?sent=1');
  });
});
