// Issue 16, a request received by post, phone or email: the DPO records it with its receipt date, channel and what
// was asked; the deadline runs from that date; the requester, when an address is known, is mailed the status link in
// their language. A Dutch DPO with JavaScript off records a letter from a Polish requester, a Greek DPO with
// JavaScript on a call from a Bulgarian one.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { addCalendarDays, dueDateFor, localDate } from '../../src/lib/deadline.ts';
import { formatCalendarDate } from '../../src/lib/i18n.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';

const outbox = join(inject('dataDir'), 'outbox');
const timeZone = 'Europe/Athens';
let session: BrowserSession;
beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

async function signedInPage(locale: 'nl' | 'el', javaScriptEnabled: boolean): Promise<Page> {
  const account = createDpoAccount(`intake-${locale}-${randomUUID().slice(0, 8)}@ostria.example`, locale);
  const [name, value] = sessionCookie(await signInDpo(baseURL, account)).split('=');
  const context = await session.newContext({ javaScriptEnabled });
  await context.addCookies([{ name: name ?? '', value: value ?? '', url: baseURL, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

describe.skipIf(!hasBrowser)('recording a request received by post or phone', () => {
  test.each([
    { dpoLocale: 'nl', javaScriptEnabled: false, channel: 'post', requesterLocale: 'pl', type: 'rectification', name: 'Katarzyna Wiśniewska', daysAgo: 12 },
    { dpoLocale: 'el', javaScriptEnabled: true, channel: 'phone', requesterLocale: 'bg', type: 'access', name: 'Мария Иванова', daysAgo: 3 },
  ] as const)('a $dpoLocale DPO (JavaScript on: $javaScriptEnabled) records a $channel request from a $requesterLocale requester', async (given) => {
    const t = translate(given.dpoLocale);
    const requesterT = translate(given.requesterLocale);
    const page = await signedInPage(given.dpoLocale, given.javaScriptEnabled);
    const today = localDate(Date.now(), timeZone);
    const receivedOn = addCalendarDays(today, -given.daysAgo);
    const dueOn = dueDateFor(receivedOn);
    const email = `intake-${randomUUID().slice(0, 8)}@example.${given.requesterLocale}`;

    // From the inbox: the link, the six types as the DPO names them, then the form of the chosen type.
    await page.goto('/dpo');
    await page.getByRole('link', { name: t('dpo.intake.link') }).click();
    await page.waitForURL('**/dpo/requests/new');
    expect(await page.locator('[data-intake-types] a').allTextContents()).toContain(t(`dpo.types.${given.type}`));
    if (given.javaScriptEnabled) await expectNoAxeViolations(page);
    await page.getByRole('link', { name: t(`dpo.types.${given.type}`) }).click();
    const form = page.locator('form[data-intake-form]');
    expect(await form.getAttribute('novalidate')).not.toBeNull();
    expect(await page.locator('#field-receivedOn').inputValue()).toBe(today);

    // Refused: a date after today and no name, each with the portal's message in the DPO's language; typing kept.
    await page.locator(`#field-channel-${given.channel}`).check();
    await page.fill('#field-receivedOn', addCalendarDays(today, 1));
    await page.selectOption('#field-locale', given.requesterLocale);
    await page.fill('#field-email', email);
    if (given.type === 'rectification') {
      // What was asked is labelled for the DPO writing it down, not worded to the requester as the public form is.
      expect(await page.locator('label[for="field-inaccurateData"]').textContent()).toBe(t('dpo.intake.asked.inaccurateData'));
      await page.fill('#field-inaccurateData', 'ul. Długa 5, Kraków');
      await page.fill('#field-correctData', 'ul. Krótka 7, Gdańsk');
    }
    await form.locator('button[type="submit"]').click();
    await page.waitForLoadState();
    expect(await page.locator('#field-receivedOn-error').textContent()).toBe(t('requests.errors.future'));
    expect(await page.locator('#field-name-error').textContent()).toBe(t('requests.errors.required'));
    expect(await page.locator('[data-error-summary] li').count()).toBe(2);
    expect(await page.locator('#field-email').inputValue()).toBe(email);
    expect(await page.locator(`#field-channel-${given.channel}`).isChecked()).toBe(true);
    if (given.javaScriptEnabled) await expectNoAxeViolations(page);

    await page.fill('#field-receivedOn', receivedOn);
    await page.fill('#field-name', given.name);
    await page.locator('form[data-intake-form] button[type="submit"]').click();
    await page.waitForURL('**/dpo/requests/DSR-*?recorded=emailed#result');
    const reference = /DSR-\d{4}-[0-9A-Z]{6}/.exec(page.url())?.[0] ?? '';
    expect(await page.locator('[data-recorded]').textContent()).toContain(t('dpo.intake.done.emailed', { email, reference }));

    // The deadline runs from the receipt date; the facts and the trail say how and when it came, and who recorded it.
    expect(await page.locator('[data-due]').getAttribute('datetime')).toBe(dueOn);
    expect(await page.locator('[data-due]').textContent()).toBe(formatCalendarDate(dueOn, given.dpoLocale));
    const fact = (await page.locator(`[data-intake="${given.channel}"]`).textContent()) ?? '';
    expect(fact).toContain(formatCalendarDate(receivedOn, given.dpoLocale));
    expect(fact).toMatch(/intake-(nl|el)-\w+@ostria\.example/);
    expect(await page.locator('[data-trail] tr[data-event="received"]').textContent()).toContain(
      t(`dpo.intake.trail.${given.channel}`, { date: formatCalendarDate(receivedOn, given.dpoLocale) }),
    );
    expect(await page.locator('[data-identity]').textContent()).toBe(t('dpo.request.identityNotVerified'));
    // The DPO says how they checked the identity; an email click is not among the ways, there was no link.
    expect(
      await page.locator('form[data-action="verify"] select option').evaluateAll((options) => options.map((option) => option.getAttribute('value'))),
    ).toEqual(['', 'customer-account', 'identity-document', 'other']);
    expect(await page.locator('[data-submitted-name]').textContent()).toBe(given.name);
    await page.context().close();

    // The requester's mail, in their language, with the status link (and no verification link) that opens their page.
    const mail = await waitForMessageTo(outbox, email);
    expect(mail.subject).toBe(requesterT('requests.email.recorded.subject', { reference }));
    expect(mail.headerBlock).toMatch(new RegExp(`Content-Language: ${given.requesterLocale}`, 'i'));
    expect(mail.text).toContain(formatCalendarDate(dueOn, given.requesterLocale));
    expect(mail.text).not.toContain('verify=');
    const statusLink = new RegExp(`http://[^\\s"<>]+/${given.requesterLocale}/requests/${reference}\\?token=[\\w-]+`).exec(mail.text)?.[0] ?? '';
    expect(statusLink).not.toBe('');
    const requester = await (await session.newContext({ javaScriptEnabled: !given.javaScriptEnabled })).newPage();
    await requester.goto(statusLink);
    expect(await requester.locator('h1').textContent()).toBe(requesterT('requests.status.title', { reference }));
    expect(await requester.locator('main').textContent()).toContain(formatCalendarDate(dueOn, given.requesterLocale));
    const channelKey = given.channel === 'post' ? 'recordedPost' : 'recordedPhone';
    expect(await requester.locator('main').textContent()).toContain(
      requesterT(`requests.status.events.${channelKey}`, { date: formatCalendarDate(receivedOn, given.requesterLocale) }),
    );
    await requester.context().close();
  });

  test('a letter without an address is recorded with its deadline already passed, and the DPO is told to pass on the reference', async () => {
    const t = translate('nl');
    const page = await signedInPage('nl', false);
    const receivedOn = addCalendarDays(localDate(Date.now(), timeZone), -40);
    await page.goto('/dpo/requests/new?type=erasure');
    await page.locator('#field-channel-post').check();
    await page.fill('#field-receivedOn', receivedOn);
    await page.selectOption('#field-locale', 'el');
    await page.fill('#field-name', 'Γιώργος Παπαδόπουλος');
    await page.fill('#field-scope', 'Όλα τα δεδομένα μου');
    await page.fill('#field-grounds', 'Έκλεισα τον λογαριασμό μου.');
    await page.locator('form[data-intake-form] button[type="submit"]').click();
    await page.waitForURL('**?recorded=noEmail#result');
    const reference = /DSR-\d{4}-[0-9A-Z]{6}/.exec(page.url())?.[0] ?? '';
    expect(await page.locator('[data-recorded] p').first().textContent()).toBe(t('dpo.intake.done.noEmail', { reference }));
    expect(await page.locator('[data-recorded-late]').textContent()).toBe(
      t('dpo.intake.done.late', { date: formatCalendarDate(dueDateFor(receivedOn), 'nl') }),
    );
    expect(await page.locator('[data-due]').getAttribute('datetime')).toBe(dueDateFor(receivedOn));
    expect(await page.locator('[data-submitted-email]').textContent()).toBe(t('dpo.intake.noAddress'));
    await page.context().close();
  });

  test('a hand-made post (a field the form does not have, an unknown type or channel) is refused with a 400, never a 500', async () => {
    const cookie = sessionCookie(await signInDpo(baseURL, createDpoAccount(`intake-raw-${randomUUID().slice(0, 8)}@ostria.example`, 'pl')));
    const post = (fields: Record<string, string>) =>
      fetch(`${baseURL}/dpo/requests/new`, {
        method: 'POST',
        headers: { Origin: baseURL, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
    const letter = { type: 'access', channel: 'post', receivedOn: '2026-01-05', locale: 'nl', name: 'Jan' };
    const extra = await post({ ...letter, isAdmin: '1' });
    expect(extra.status).toBe(400);
    expect(await extra.text()).toContain(translate('pl')('requests.errors.unknownField'));
    expect((await post({ ...letter, type: 'everything' })).status).toBe(400);
    expect((await post({ ...letter, channel: 'pigeon' })).status).toBe(400);
    expect((await post({ ...letter, locale: 'en' })).status).toBe(400);
    const unsigned = await fetch(`${baseURL}/dpo/requests/new`, {
      method: 'POST',
      headers: { Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(letter),
    });
    expect(unsigned.status).toBe(401);
  });
});
