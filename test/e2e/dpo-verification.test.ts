// Issue 16, verification beyond the email click: the requester's click confirms the address (and only the address
// reaches the systems); the DPO can still record a stronger check (customer account, identity document), choosing the
// method themselves (no default), once; the request keeps its status. JavaScript off for a Polish DPO, on for a
// Bulgarian one.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';

const outbox = join(inject('dataDir'), 'outbox');
let session: BrowserSession;
beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

/** An access request whose requester clicked the link in their mail (on the status page, as a browser does). */
async function emailVerifiedRequest(locale: string): Promise<string> {
  const email = `verify-${randomUUID().slice(0, 8)}@example.com`;
  const answer = await fetch(`${baseURL}/api/requests`, {
    method: 'POST',
    body: JSON.stringify({ type: 'access', locale, name: 'Anna Nowak', email, customerReference: 'OST-10231', declaration: true }),
  });
  const { reference } = (await answer.json()) as { reference: string };
  const mail = await waitForMessageTo(outbox, email);
  const verify = new RegExp(`http://[^\\s"<>]+/${locale}/requests/${reference}\\?token=[\\w-]+&verify=[\\w-]+`).exec(mail.text)?.[0] ?? '';
  const confirmed = await fetch(verify, { method: 'POST', headers: { Origin: baseURL }, redirect: 'manual' });
  expect(confirmed.status).toBeLessThan(400);
  return reference;
}

async function signedInPage(locale: 'pl' | 'bg', javaScriptEnabled: boolean): Promise<Page> {
  const account = createDpoAccount(`verify-${locale}-${randomUUID().slice(0, 8)}@ostria.example`, locale);
  const [name, value] = sessionCookie(await signInDpo(baseURL, account)).split('=');
  const context = await session.newContext({ javaScriptEnabled });
  await context.addCookies([{ name: name ?? '', value: value ?? '', url: baseURL, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe.skipIf(!hasBrowser)('a stronger identity check over the email click', () => {
  test.each([
    ['pl', false],
    ['bg', true],
  ] as const)('a %s DPO (JavaScript on: %s) must say how, records it once, and the request stays verified', async (locale, javaScriptEnabled) => {
    const t = translate(locale);
    const reference = await emailVerifiedRequest(locale === 'pl' ? 'pl' : 'el');
    const page = await signedInPage(locale, javaScriptEnabled);
    await page.goto(`/dpo/requests/${reference}`);
    const form = page.locator('form[data-action="verify"]');
    expect(await form.locator('h3').textContent()).toBe(t('dpo.request.verifyStrongerTitle'));
    expect(await form.locator('[data-verify-stronger]').textContent()).toBe(t('dpo.request.verifyStrongerIntro'));
    // No default, and the email link is not offered as a stronger check.
    expect(await form.locator('select option:checked').getAttribute('value')).toBe('');
    expect(await form.locator('select option').evaluateAll((options) => options.map((option) => option.getAttribute('value')))).toEqual([
      '',
      'customer-account',
      'identity-document',
      'other',
    ]);
    if (javaScriptEnabled) {
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    }

    // Sent without a method: the portal's own message next to the field in the DPO's language (the form is
    // novalidate: no browser message in the browser's language), the note kept.
    expect(await form.getAttribute('novalidate')).not.toBeNull();
    await form.locator('textarea[name="verifyNote"]').fill('Konto OST-10231');
    await form.locator('button[type="submit"]').click();
    await page.waitForLoadState();
    expect(await page.locator('#field-method-error').textContent()).toBe(t('dpo.request.errors.method'));
    expect(await page.locator('form[data-action="verify"] textarea[name="verifyNote"]').inputValue()).toBe('Konto OST-10231');

    await page.locator('form[data-action="verify"] select').selectOption('customer-account');
    await page.locator('form[data-action="verify"] button[type="submit"]').click();
    await page.waitForURL('**?done=verify#result');
    expect(await page.locator('form[data-action="verify"]').count()).toBe(0);
    expect(await page.locator('form[data-action="start"]').count()).toBe(1);
    const methods = await page.locator('[data-trail] tbody tr[data-event="identity-verified"]').evaluateAll((rows) => rows.map((row) => row.textContent ?? ''));
    expect(methods).toHaveLength(2);
    expect(methods[1]).toContain(t('dpo.request.methods.customer-account'));
    await page.context().close();
  });
});
