// Issue 16, information needed from the requester: the DPO asks (identification or clarification) from the request
// page, the requester is mailed in their language, sees the question on the status page and answers there with text
// and a PDF; a file over the limit is refused with a message in their language; the request waits meanwhile and the
// deadline stands still; the DPO then reads the answer and downloads the file. A Greek DPO with JavaScript off and a
// Polish requester, a Dutch DPO with JavaScript on and a Bulgarian requester.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { outboxMessagesTo, waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';
import { localDate } from '../../src/lib/deadline.ts';
import { formatCalendarDate } from '../../src/lib/i18n.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { readFileSync } from 'node:fs';

const outbox = join(inject('dataDir'), 'outbox');
const { timeZone } = organisationSchema.parse(JSON.parse(readFileSync('content/organisation.json', 'utf8')));
let session: BrowserSession;
beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

/** A request submitted through the API; its status link as the received mail gives it. */
async function submitted(locale: string, email: string): Promise<{ reference: string; statusPath: string }> {
  const answer = await fetch(`${baseURL}/api/requests`, {
    method: 'POST',
    body: JSON.stringify({ type: 'access', locale, name: 'Anna Nowak', email, declaration: true }),
  });
  const { reference } = (await answer.json()) as { reference: string };
  const mail = await waitForMessageTo(outbox, email);
  const link = new RegExp(`/${locale}/requests/${reference}\\?token=[\\w-]+`).exec(mail.text)?.[0] ?? '';
  expect(link).not.toBe('');
  return { reference, statusPath: link };
}

async function dpoContext(locale: string, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; cookie: string; email: string }> {
  const account = createDpoAccount(`ask-${locale}-${randomUUID().slice(0, 8)}@ostria.example`, locale);
  const cookie = sessionCookie(await signInDpo(baseURL, account));
  const [name, value] = cookie.split('=');
  const context = await session.newContext({ javaScriptEnabled });
  await context.addCookies([{ name: name ?? '', value: value ?? '', url: baseURL, httpOnly: true, sameSite: 'Strict' }]);
  return { context, cookie, email: account.email };
}

/** axe on the page as it is; for a page opened with JavaScript off, on a JavaScript-enabled twin with the same cookies. */
async function expectAccessible(context: BrowserContext, page: Page, javaScriptEnabled: boolean): Promise<void> {
  const twin = javaScriptEnabled ? undefined : await session.newContext({ storageState: await context.storageState() });
  const target = twin ? await twin.newPage() : page;
  if (twin) await target.goto(page.url());
  const violations = await axeViolations(target);
  expect(violations, describeViolations(violations)).toEqual([]);
  await twin?.close();
}

/** With SHOTS set: the page at 1280 and at 390 px wide, whole, into .shots/. */
async function screenshots(page: Page, name: string): Promise<void> {
  if (!process.env.SHOTS) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `.shots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const pdf = Buffer.from('%PDF-1.4\n% skan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe.skipIf(!hasBrowser)('information needed from the requester', () => {
  test.each([
    ['el', false, 'pl', 'identification'],
    ['nl', true, 'bg', 'clarification'],
  ] as const)(
    'a %s DPO (JavaScript on: %s) asks a %s requester (%s), who answers on the status page with text and a PDF',
    async (dpoLocale, javaScriptEnabled, requesterLocale, reason) => {
      const dt = translate(dpoLocale);
      const rt = translate(requesterLocale);
      const email = `ask-${randomUUID().slice(0, 8)}@example.com`;
      const { reference, statusPath } = await submitted(requesterLocale, email);
      const question = requesterLocale === 'pl' ? 'Prosimy o podanie numeru klienta.' : 'Моля, посочете за кой акаунт се отнася искането.';

      // The DPO: an empty form gets the portal's own messages next to each field, in the DPO's language.
      const dpo = await dpoContext(dpoLocale, javaScriptEnabled);
      const page = await dpo.context.newPage();
      await page.goto(`/dpo/requests/${reference}`);
      const form = page.locator('form[data-action="ask"]');
      expect(await form.getAttribute('novalidate')).not.toBeNull();
      expect(await form.locator('h3').textContent()).toBe(dt('dpo.request.askTitle'));
      await form.locator('button[type="submit"]').click();
      await page.waitForLoadState();
      expect(await page.locator('#field-askReason-error').textContent()).toBe(dt('dpo.request.errors.askReason'));
      // The question starts from the template in the requester's language; sent with its gaps unfilled, it is refused.
      expect(await page.locator('form[data-action="ask"] textarea[name="question"]').getAttribute('lang')).toBe(requesterLocale);
      expect(await page.locator('form[data-action="ask"] [data-field="question"] .field__error').textContent()).toBe(dt('dpo.request.errors.gap'));

      await page.locator('form[data-action="ask"] select[name="askReason"]').selectOption(reason);
      await page.locator('form[data-action="ask"] textarea[name="question"]').fill(question);
      await page.locator('form[data-action="ask"] button[type="submit"]').click();
      await page.waitForURL('**?done=ask#result');
      expect(await page.locator('[data-done="ask"]').textContent()).toBe(dt('dpo.request.done.ask'));
      expect(await page.locator('[data-status-text]').textContent()).toBe(dt('dpo.statuses.waiting'));
      expect(await page.locator('[data-waiting-question]').textContent()).toBe(question);
      expect(await page.locator('[data-paused]').count()).toBe(1);
      // Asking again stays possible while waiting: a new question replaces this one.
      expect(await page.locator('form[data-action="ask"] h3').textContent()).toBe(dt('dpo.request.askAgainTitle'));
      await expectAccessible(dpo.context, page, javaScriptEnabled);
      await screenshots(page, `information-dpo-${dpoLocale}`);

      // The mail, in the requester's language, with the question and the status link they already have.
      await expect.poll(async () => (await outboxMessagesTo(outbox, email)).length, { timeout: 10_000 }).toBe(2);
      const mail = (await outboxMessagesTo(outbox, email)).at(-1);
      expect(mail?.subject).toBe(rt('dpo.email.informationSubject', { reference }));
      expect(mail?.text).toContain(rt(`dpo.email.informationBody.${reason}`, { reference }));
      expect(mail?.text).toContain(question);
      expect(mail?.text).toContain(`${baseURL}${statusPath}`);

      // The requester sees the question and that the time stands still, in their language.
      const requester = await session.newContext({ javaScriptEnabled });
      const status = await requester.newPage();
      await status.goto(statusPath);
      expect(await status.locator('[data-status]').textContent()).toBe(rt('requests.status.statuses.waiting'));
      expect(await status.locator('[data-question] h2').textContent()).toBe(rt(`requests.answer.title.${reason}`));
      expect(await status.locator('[data-question-text]').textContent()).toBe(question);
      const today = formatCalendarDate(localDate(Date.now(), timeZone), requesterLocale);
      expect(await status.locator('[data-paused]').textContent()).toBe(rt('requests.status.paused', { date: today }));
      await expectAccessible(requester, status, javaScriptEnabled);
      await screenshots(status, `information-status-${requesterLocale}`);

      // A file over 10 MB is refused next to the field, in the requester's language; the text typed is kept.
      const answer = requesterLocale === 'pl' ? 'Mój numer klienta to K-1234. Skan w załączniku.' : 'Става дума за акаунта ostria-4411.';
      await status.locator('#field-answer').fill(answer);
      await status
        .locator('#field-file')
        .setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]) });
      await status.locator('[data-answer-form] button[type="submit"]').click();
      await status.waitForLoadState();
      const size = new Intl.NumberFormat(requesterLocale, { style: 'unit', unit: 'megabyte' }).format(10);
      expect(await status.locator('#field-file-error').textContent()).toBe(rt('requests.answer.errors.fileTooLarge', { size }));
      expect(await status.locator('#field-file').getAttribute('aria-describedby')).toContain('field-file-error');

      // The answer with a PDF: the request leaves waiting, back to where it was.
      await status.locator('#field-answer').fill(answer);
      await status.locator('#field-file').setInputFiles({ name: 'skan.pdf', mimeType: 'application/pdf', buffer: pdf });
      await status.locator('[data-answer-form] button[type="submit"]').click();
      await status.waitForURL('**&answered=1#question');
      expect(await status.locator('[data-answered]').textContent()).toBe(rt('requests.answer.done'));
      expect(await status.locator('[data-status]').textContent()).toBe(rt('requests.status.statuses.received'));
      expect(await status.locator('[data-question]').count()).toBe(0);
      expect(await status.locator('[data-event="information-provided"]').count()).toBe(1);
      await requester.close();

      // The DPO hears of it by mail in their language (nobody has the request: every DPO does), with its link.
      const notice = await waitForMessageTo(outbox, dpo.email);
      expect(notice.subject).toBe(dt('dpo.email.answerArrivedSubject', { reference }));
      expect(notice.text).toContain(`${baseURL}/dpo/requests/${reference}`);
      expect(notice.text).not.toContain(answer);

      // The DPO reads the answer in the trail and downloads the file the requester sent.
      await page.goto(`/dpo/requests/${reference}`);
      expect(await page.locator('[data-status-text]').textContent()).toBe(dt('dpo.statuses.received'));
      expect(await page.locator('[data-trail] [data-event="information-provided"]').textContent()).toContain(answer);
      expect(await page.locator('[data-requester-answer] [data-answer-text]').textContent()).toBe(answer);
      expect(await page.locator('[data-requester-answer] [data-answered-question]').textContent()).toBe(dt('dpo.request.answerQuestion', { question }));
      expect(await page.locator('[data-requester-answer] [data-answer-file]').textContent()).toBe('skan.pdf');
      await expectAccessible(dpo.context, page, javaScriptEnabled);
      await screenshots(page, `information-dpo-answered-${dpoLocale}`);
      const file = page.locator('[data-file-origin="requester"]');
      expect(await file.locator('[data-file-name]').textContent()).toBe('skan.pdf');
      const href = (await file.locator('[data-file-name]').getAttribute('href')) ?? '';
      const download = await fetch(`${baseURL}${href}`, { headers: { Cookie: dpo.cookie } });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
      await dpo.context.close();
    },
  );
});
