// Issue 16: a DPO answers in the requester's language from a template, reading it in their own. A Greek DPO completes
// a Polish rectification with JavaScript off; a Dutch DPO rejects a Bulgarian access request with it on. The edited
// text is what the requester receives; a text with a gap left is refused and kept; at 390 px nothing scrolls sideways.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Store } from '../../db/store.ts';
import { answerGaps, answerTemplate, type AnswerOutcome } from '../../src/lib/answer-templates.ts';
import { localDate } from '../../src/lib/deadline.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import type { RequestType } from '../../src/lib/request-types.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount } from './dpo-account.ts';
import { signInOnPage } from './dpo-steps.ts';
import { waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';
import { sharedPortalStore } from './store.ts';

const outbox = join(inject('dataDir'), 'outbox');
const organisation = organisationSchema.parse(JSON.parse(readFileSync('content/organisation.json', 'utf8')));
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

/** A request in `locale`, its identity checked and work started, as the DPO finds it on their page. */
async function inProgress(type: RequestType, locale: Locale, email: string, fields: Record<string, string> = {}) {
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({ type, locale, name: 'Anna Nowak', email, declaration: true, ...fields }),
    now: Date.now() - 2 * 86_400_000,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  await takeAction(store, request.reference, { action: 'verify', method: 'customer-account' }, 'dpo@ostria.example', Date.now() - 86_400_000);
  await takeAction(store, request.reference, { action: 'start' }, 'dpo@ostria.example', Date.now() - 86_400_000);
  const facts = {
    reference: request.reference,
    organisation: organisation.legalName,
    receivedOn: localDate(request.receivedAt, organisation.timeZone),
    dueOn: request.dueOn,
  };
  return { reference: request.reference, template: (outcome: AnswerOutcome, language: Locale) => answerTemplate(type, outcome, language, facts) };
}

const answerOf = (page: Page, name: string) => page.locator(`[data-answer="${name}"]`);

/** Neither the page nor the answer's parts are wider than the screen. */
async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Where the reading stands against the text: beside it (same top, to the right) or under it. */
async function readingPlacement(page: Page, name: string): Promise<'beside' | 'under'> {
  const text = await answerOf(page, name).locator('textarea').boundingBox();
  const reading = await answerOf(page, name).locator('[data-answer-reading]').boundingBox();
  if (!text || !reading) throw new Error('the answer is not shown');
  return reading.x >= text.x + text.width && Math.abs(reading.y - text.y) < text.height ? 'beside' : 'under';
}

describe.skipIf(!hasBrowser)('answers from a template in the requester language', () => {
  test('a Greek DPO, JavaScript off, completes a Polish rectification: Polish to edit, Greek to read, the edit is what is mailed', async () => {
    const el = translate('el');
    const pl = translate('pl');
    const email = `template-pl-${Date.now()}@example.pl`;
    const { reference, template } = await inProgress('rectification', 'pl', email, {
      inaccurateData: 'Adres: ul. Długa 1',
      correctData: 'Adres: ul. Krótka 2',
    });
    const account = createDpoAccount(`template-el-${Date.now()}@ostria.example`, 'el');
    const context = await session.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInOnPage(page, account);
    await page.goto(`/dpo/requests/${reference}`);

    // Each answering form starts from the Polish template, with the Greek one beside it, labelled as not sent.
    for (const [name, outcome] of [
      ['message', 'completed'],
      ['extendReason', 'extended'],
      ['rejectReason', 'rejected'],
    ] as const) {
      const answer = answerOf(page, name);
      expect(await answer.locator('textarea').inputValue()).toBe(template(outcome, 'pl'));
      expect(await answer.locator('textarea').getAttribute('lang')).toBe('pl');
      expect(await answer.locator('.field__help').textContent()).toContain(el('dpo.answer.writtenIn.pl'));
      const reading = answer.locator('[data-answer-reading]');
      expect(await reading.getAttribute('lang')).toBe('el');
      expect(await reading.locator('h4').textContent()).toBe(el('dpo.answer.reading'));
      expect(await reading.locator('p').textContent()).toBe(template(outcome, 'el'));
    }
    for (const name of ['message', 'extendReason', 'rejectReason']) expect(await readingPlacement(page, name)).toBe('beside');
    expect(await sidewaysScroll(page)).toBe(0);

    // axe needs JavaScript: the same page in a twin context that runs it.
    const twin = await session.newContext({ storageState: await context.storageState(), viewport: { width: 1280, height: 900 } });
    const twinPage = await twin.newPage();
    await twinPage.goto(`/dpo/requests/${reference}`);
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await twinPage.locator('form[data-action="complete"]').screenshot({ path: '.shots/answer-template-1280.png' });
    await twin.close();

    // Sent with a gap still in it, the answer is refused in Greek and the DPO's edit is kept, not the template again.
    const [first, second] = answerGaps(template('completed', 'pl'));
    expect(first && second === undefined).toBe(true);
    const halfDone = `${template('completed', 'pl')}\n\n[… jeszcze do sprawdzenia]`.replace(first ?? '', 'adres: ul. Długa 1 → ul. Krótka 2');
    await answerOf(page, 'message').locator('textarea').fill(halfDone);
    await page.locator('form[data-action="complete"] button[type="submit"]').click();
    expect(await page.locator('#field-message-error').textContent()).toBe(el('dpo.request.errors.gap'));
    expect(await answerOf(page, 'message').locator('textarea').inputValue()).toBe(halfDone);
    expect(await answerOf(page, 'rejectReason').locator('textarea').inputValue()).toBe(template('rejected', 'pl'));

    const done = halfDone.replace('\n\n[… jeszcze do sprawdzenia]', '');
    await answerOf(page, 'message').locator('textarea').fill(done);
    await page.locator('form[data-action="complete"] button[type="submit"]').click();
    await page.waitForURL('**?done=complete#result');
    expect(await page.locator('[data-outcome]').textContent()).toBe(done);

    // The requester reads the DPO's Polish, once, in the mail's own Polish frame.
    const mail = await waitForMessageTo(outbox, email);
    expect(mail.subject).toContain(reference);
    expect(mail.text).toContain(done);
    expect(mail.text).toContain('ul. Długa 1 → ul. Krótka 2');
    expect(mail.text.split(pl('dpo.email.completedBody', { reference })).length).toBe(2);
    await context.close();
  });

  test('a Dutch DPO, JavaScript on, rejects a Bulgarian access request: Bulgarian to edit, Dutch to read; at 390 px stacked, no sideways scroll', async () => {
    const nl = translate('nl');
    const bg = translate('bg');
    const email = `template-bg-${Date.now()}@example.bg`;
    const { reference, template } = await inProgress('access', 'bg', email);
    const account = createDpoAccount(`template-nl-${Date.now()}@ostria.example`, 'nl');
    const context = await session.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInOnPage(page, account);
    await page.goto(`/dpo/requests/${reference}`);

    const answer = answerOf(page, 'rejectReason');
    expect(await answer.locator('textarea').inputValue()).toBe(template('rejected', 'bg'));
    expect(await answer.locator('[data-answer-reading] p').textContent()).toBe(template('rejected', 'nl'));
    expect(await answer.locator('[data-answer-reading] h4').textContent()).toBe(nl('dpo.answer.reading'));
    expect(await readingPlacement(page, 'rejectReason')).toBe('under');
    expect(await sidewaysScroll(page)).toBe(0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await page.locator('form[data-action="reject"]').screenshot({ path: '.shots/answer-template-390.png' });

    // First more time, from the extension's template: the reason written into its gap, the original date filled in.
    const [why] = answerGaps(template('extended', 'bg'));
    const extension = template('extended', 'bg').replace(why ?? '', 'Трябва да проверим архивите на пет системи, включително резервни копия на лента');
    await answerOf(page, 'extendReason').locator('textarea').fill(extension);
    await page.fill('#field-months', '1');
    await page.locator('form[data-action="extend"] button[type="submit"]').click();
    await page.waitForURL('**?done=extend#result');
    const extended = await waitForMessageTo(outbox, email);
    expect(extended.text).toContain(extension);
    expect(extension).toMatch(/\(първоначален срок: \d{1,2} \p{L}+ \d{4} г\.\)/u);

    const [gap] = answerGaps(template('rejected', 'bg'));
    const reason = template('rejected', 'bg').replace(
      gap ?? '',
      'Искането е явно прекомерно: това е петото идентично искане за три месеца (чл. 12, параграф 5 от ОРЗД).',
    );
    await answer.locator('textarea').fill(reason);
    await page.locator('form[data-action="reject"] button[type="submit"]').click();
    await page.waitForURL('**?done=reject#result');
    expect(await page.locator('[data-outcome]').textContent()).toBe(reason);

    await expect.poll(async () => (await waitForMessageTo(outbox, email)).text.includes(reason)).toBe(true);
    const mail = await waitForMessageTo(outbox, email);
    expect(mail.text).toContain(bg('dpo.email.rejectedRights'));
    await context.close();
  });
});
