import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Executor, Store } from '../../db/store.ts';
import { addCalendarMonths, daysBetween, localDate } from '../../src/lib/deadline.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, findRequest } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { outboxMessagesTo, waitForMessageTo } from './mail.ts';
import { runScript, translate } from './scripts.ts';
import { sharedPortalStore } from './store.ts';

const dataDir = inject('dataDir');
const outbox = join(dataDir, 'outbox');
const dpoEmail = 'joost.dpo@ostria.example';
const password = 'Rotterdam haven 2026, kade 4';
let session: BrowserSession;
const portalStore = sharedPortalStore();
const { sql } = portalStore;
let db: Executor;
let store: Store;

beforeAll(async () => {
  const made = runScript('scripts/dpo-create-user.ts', ['--email', dpoEmail, '--locale', 'nl'], { DPO_PASSWORD: password });
  expect(made.status, made.stderr).toBe(0);
  db = portalStore.db();
  store = portalStore.store();
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => {
  await portalStore.close();
  await session?.close();
});

async function signIn(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await session.newContext({ javaScriptEnabled });
  // A step that cannot happen fails in seconds, naming the step, instead of timing the whole test out.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto('/dpo/login');
  await page.fill('#email', dpoEmail);
  await page.fill('#password', password);
  await page.locator('form.login-form button[type="submit"]').click();
  await page.waitForURL('**/dpo');
  return { context, page };
}

async function sendRequest(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${baseURL}/api/requests`, { method: 'POST', body: JSON.stringify({ declaration: true, ...body }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { reference: string }).reference;
}

/** axe runs in the page, so a page without JavaScript is checked in a twin context with the same session. */
async function expectNoViolations(page: Page) {
  const twin = await session.newContext({ storageState: await page.context().storageState() });
  const twinPage = await twin.newPage();
  await twinPage.goto(page.url());
  const violations = await axeViolations(twinPage);
  await twin.close();
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** The audit trail's events in order (read without running script in the page, so it works with JavaScript off). */
async function trailOf(page: Page): Promise<(string | null)[]> {
  return Promise.all((await page.locator('[data-trail] tbody tr').all()).map((row) => row.getAttribute('data-event')));
}

/** The action forms of the request page, by what they do. */
const form = (page: Page, action: string) => page.locator(`form[data-action="${action}"], [data-action="${action}"] form`);

describe.skipIf(!hasBrowser)('the DPO works a request', () => {
  test('without JavaScript: finds the request just sent with its days left, verifies, extends, completes; the requester sees each step', async () => {
    const requester = 'sofia.dpo-flow@example.gr';
    const reference = await sendRequest({ type: 'access', locale: 'el', name: 'Σοφία <b>Κ.</b>', email: requester, details: 'Όλα τα δεδομένα' });
    const received = await waitForMessageTo(outbox, requester);
    const statusLink = /https?:\/\/\S+\/el\/requests\/DSR-\S+token=[\w-]+/.exec(received.text)?.[0].replace(/&verify=.*$/, '') ?? '';
    expect(statusLink).toContain(reference);
    const stored = await findRequest(db, reference);
    if (!stored) throw new Error('request not stored');

    const t = translate('nl');
    const el = translate('el');
    const { context, page } = await signIn(false);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await page.goto(`/dpo?q=${reference}`);
    const row = page.locator(`tr[data-reference="${reference}"]`);
    const today = localDate(Date.now(), 'Europe/Athens');
    expect(await row.locator('[data-days-left]').textContent()).toBe(t('requests.status.daysLeft', { count: daysBetween(today, stored.dueOn) }));
    await row.getByRole('link', { name: reference }).click();
    await page.waitForURL(`**/dpo/requests/${reference}`);
    expect(await page.locator('h1').textContent()).toBe(t('dpo.request.title', { reference }));
    expect(await page.locator('[data-submitted-name]').textContent()).toBe('Σοφία <b>Κ.</b>');
    expect(await page.locator('[data-submitted-field="details"]').textContent()).toBe('Όλα τα δεδομένα');
    expect(await trailOf(page)).toEqual(['received']);
    await expectNoViolations(page);

    // Only what the workflow allows is offered: a received request cannot be completed yet.
    expect(await form(page, 'complete').count()).toBe(0);
    await form(page, 'verify').locator('select').selectOption('identity-document');
    await form(page, 'verify').getByRole('button').click();
    await page.waitForURL(`**/dpo/requests/${reference}?done=verify#result`);
    expect(await page.locator('[data-done]').textContent()).toBe(t('dpo.request.done.verify'));
    expect(await page.locator('[data-status-text]').textContent()).toBe(t('dpo.statuses.verified'));
    await form(page, 'start').getByRole('button').click();
    await page.waitForURL('**?done=start#result');

    // The browser itself refuses 3 months (max="2"); posted anyway, it is a 400 with the message beside the field and
    // what was typed kept.
    expect(await page.locator('#field-months').getAttribute('max')).toBe('2');
    const tooLong = await context.request.post(`/dpo/requests/${reference}`, {
      form: { action: 'extend', months: '3', extendReason: 'Back-ups <staan> op tape' },
    });
    expect(tooLong.status()).toBe(400);
    const refused = await tooLong.text();
    expect(refused).toContain(`<p class="field__error" id="field-months-error">${t('dpo.request.errors.months')}</p>`);
    expect(refused).toContain('Back-ups &lt;staan&gt; op tape</textarea>');

    await page.fill('#field-extendReason', 'Back-ups <staan> op tape');
    await page.fill('#field-months', '1');
    await form(page, 'extend').getByRole('button').click();
    await page.waitForURL('**?done=extend#result');
    const newDue = addCalendarMonths(stored.dueOn, 1);
    expect(await page.locator('[data-due]').getAttribute('datetime')).toBe(newDue);
    expect(await page.locator('[data-extension]').textContent()).toBe(t('deadline.extensionMonths', { count: 1, reason: 'Back-ups <staan> op tape' }));
    expect(await form(page, 'extend').count()).toBe(0);

    // The requester is told, in Greek, with the new date and the reason.
    await expect.poll(async () => (await outboxMessagesTo(outbox, requester)).length).toBe(2);
    const extended = (await outboxMessagesTo(outbox, requester)).at(-1);
    expect(extended?.subject).toBe(el('dpo.email.extendedSubject', { reference }));
    expect(extended?.text).toContain('Back-ups <staan> op tape');
    expect(extended?.text).toContain(statusLink);
    expect(extended?.html).toContain('Back-ups &lt;staan&gt; op tape');

    // A second extension, posted anyway, is a 400 with the reason.
    const again = await context.request.post(`/dpo/requests/${reference}`, { form: { action: 'extend', months: '1', extendReason: 'nog meer' } });
    expect(again.status()).toBe(400);
    expect(await again.text()).toContain(t('dpo.request.errors.alreadyExtended'));
    await page.goto(`/dpo?q=${reference}`);
    expect(await row.locator('[data-days-left]').textContent()).toBe(t('requests.status.daysLeft', { count: daysBetween(today, newDue) }));
    await row.getByRole('link', { name: reference }).click();

    await page.fill('#field-message', 'Hierbij uw gegevens.\nZie de download op uw statuspagina.');
    await form(page, 'complete').getByRole('button').click();
    await page.waitForURL('**?done=complete#result');
    expect(await page.locator('[data-status-text]').textContent()).toBe(t('dpo.statuses.completed'));
    expect(await page.locator('[data-export]').count()).toBe(1);
    expect(await trailOf(page)).toEqual(['received', 'identity-verified', 'started', 'extended', 'completed']);
    expect(await page.locator('[data-trail] tbody tr[data-event="started"] [data-actor]').textContent()).toBe(dpoEmail);
    expect(await page.locator('[data-trail] tbody tr[data-event="identity-verified"]').textContent()).toContain(t('dpo.request.methods.identity-document'));

    // An illegal transition is a 409 that says why.
    const illegal = await context.request.post(`/dpo/requests/${reference}`, { form: { action: 'start' } });
    expect(illegal.status()).toBe(409);
    expect(await illegal.text()).toContain(t('dpo.request.errors.status', { status: t('dpo.statuses.completed') }));

    await expect.poll(async () => (await outboxMessagesTo(outbox, requester)).length).toBe(3);
    const completed = (await outboxMessagesTo(outbox, requester)).at(-1);
    expect(completed?.subject).toBe(el('dpo.email.completedSubject', { reference }));
    expect(completed?.text).toContain('Hierbij uw gegevens.\nZie de download op uw statuspagina.');
    // The package travels by its signed link (never the status token); the status page's link follows.
    expect(completed?.text).toMatch(/\/api\/requests\/DSR-[\w-]+\/export\?until=\d+&sig=[\w-]{43}\n/);
    expect(completed?.text).toContain(statusLink);

    // The requester's status page, opened from the email, shows the outcome and the export.
    const visitor = await session.newContext();
    const visitorPage = await visitor.newPage();
    await visitorPage.goto(statusLink);
    expect(await visitorPage.locator('[data-status]').textContent()).toBe(el('requests.status.statuses.completed'));
    expect(await visitorPage.locator('[data-outcome] p').textContent()).toBe('Hierbij uw gegevens.\nZie de download op uw statuspagina.');
    expect(await visitorPage.locator('[data-extension]').textContent()).toContain('Back-ups <staan> op tape');
    const download = await visitor.request.get((await visitorPage.locator('[data-export] a').getAttribute('href')) ?? '');
    expect(download.status()).toBe(200);
    // One package: the data as JSON (subject-export.v2) and the readable document in the request's language.
    expect(download.headers()['content-type']).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await download.body()));
    expect(Object.keys(entries).sort()).toEqual(['data.json', 'index.html']);
    const data = JSON.parse(strFromU8(entries['data.json'] ?? new Uint8Array())) as { schemaVersion: number; subject: { email: string } };
    expect(data.schemaVersion).toBe(2);
    expect(data.subject.email).toBe(requester);
    const documentHtml = strFromU8(entries['index.html'] ?? new Uint8Array());
    expect(documentHtml).toContain('<html lang="el">');
    expect(documentHtml).toContain(reference);
    await visitor.close();
    await context.close();
  });

  test('with JavaScript, in Polish: consent lookup proves a visitor’s choice, then an erasure removes it', async () => {
    // A visitor accepts cookies, then asks for erasure; the form carries their consent id.
    const visitor = await session.newContext();
    const visitorPage = await visitor.newPage();
    await visitorPage.goto('/pl/requests/new?type=erasure');
    await visitorPage.locator('[data-consent-banner] [data-consent-action="accept-all"]').click();
    await expect.poll(async () => (await visitor.cookies()).some((cookie) => cookie.name === 'portal_consent')).toBe(true);
    await visitorPage.goto('/pl/consent');
    const consentId = (await visitorPage.locator('[data-consent-id]').textContent()) ?? '';
    expect(consentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await visitorPage.goto('/pl/requests/new?type=erasure');
    expect(await visitorPage.locator('#field-consentId').inputValue()).toBe(consentId);
    await visitorPage.fill('#field-name', 'Piotr Wiśniewski');
    await visitorPage.fill('#field-email', 'piotr.erasure@example.pl');
    await visitorPage.fill('#field-scope', 'Wszystko');
    await visitorPage.fill('#field-grounds', 'Cofam zgodę');
    await visitorPage.check('#field-declaration');
    await visitorPage.locator('form.request-form button[type="submit"]').click();
    await visitorPage.waitForURL('**/pl/requests/submitted**');
    const reference = (await visitorPage.locator('[data-reference]').textContent())?.trim() ?? '';
    expect(reference).toMatch(/^DSR-/);
    await visitor.close();

    const { context, page } = await signIn(true);
    await page.locator('.language-switcher').getByRole('button', { name: 'Polski' }).click();
    await page.waitForURL('**/dpo');
    expect(await page.locator('html').getAttribute('lang')).toBe('pl');
    const t = translate('pl');

    await page.getByRole('link', { name: t('dpo.nav.consent') }).click();
    await page.fill('#field-q', consentId);
    await page.getByRole('button', { name: t('dpo.consent.submit') }).click();
    await page.waitForURL('**/dpo/consent?q=*');
    expect(await page.locator('[data-chain]').getAttribute('data-chain')).toBe('intact');
    expect(await page.locator('[data-chain]').textContent()).toBe(t('dpo.consent.chainIntact', { count: 1 }));
    const record = page.locator(`[data-consent-id="${consentId}"] [data-history] tbody tr`);
    expect(await record.count()).toBe(1);
    expect(await record.textContent()).toContain(t('consent.actions.accept-all'));
    expect(await record.locator('[data-text-hash]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await record.locator('[data-policy-version]').count()).toBe(1);
    expect(await page.locator('[data-requests]').textContent()).toContain(reference);
    const receipt = await context.request.get((await page.locator(`[data-consent-id="${consentId}"] a[download]`).getAttribute('href')) ?? '');
    expect(((await receipt.json()) as { consentId: string }).consentId).toBe(consentId);
    await expectNoViolations(page);

    // By the requester's email, the consent id their browser proved is theirs only once their identity is verified.
    await page.goto('/dpo/consent?q=PIOTR.erasure@example.pl');
    expect(await page.locator(`[data-consent-id="${consentId}"]`).count()).toBe(0);
    expect(await page.locator(`[data-unlinked-consent-id="${consentId}"]`).textContent()).toContain(t('dpo.consent.unlinked.unverified', { reference }));
    await page.goto('/dpo/consent?q=not-an-id');
    expect(await page.locator('#field-q-error').textContent()).toBe(t('dpo.consent.invalidQuery'));
    await expectNoViolations(page);

    await page.goto(`/dpo/requests/${reference}`);
    await form(page, 'verify').locator('select').selectOption('customer-account');
    await form(page, 'verify').getByRole('button').click();
    await page.waitForURL('**?done=verify#result');
    await form(page, 'start').getByRole('button').click();
    await page.waitForURL('**?done=start#result');
    expect(await page.locator('[data-consent-proof]').getAttribute('data-consent-proof')).toBe('browser');
    await page.goto('/dpo/consent?q=PIOTR.erasure@example.pl');
    expect(await page.locator(`[data-consent-id="${consentId}"] [data-linked-by]`).textContent()).toContain(
      t('dpo.request.linkedBy.consentIdBrowser', { consentId, reference }),
    );
    await page.goto(`/dpo/requests/${reference}`);
    await page.getByRole('button', { name: t('dpo.request.eraseReview') }).click();
    await page.waitForURL('**erase=review*');
    expect(await page.locator('[data-erase-preview] li').allTextContents()).toEqual([
      t('dpo.request.count.consentRecords', { count: 1 }),
      t('dpo.request.count.marketingSubscriptions', { count: 0 }),
      t('dpo.request.count.marketingEvents', { count: 0 }),
      t('dpo.request.count.requestsAnonymised', { count: 0 }),
      t('dpo.request.count.exportsDeleted', { count: 0 }),
    ]);
    // Each item with what links it to the requester.
    expect(await page.locator('[data-erase-scope] tbody tr').allTextContents()).toEqual([
      `${t('dpo.request.scope.consentRecords', { count: 1, consentId })}${t('dpo.request.linkedBy.consentIdBrowser', { consentId, reference })}`,
    ]);
    expect(await page.locator('[data-erase-kept]').textContent()).toBe(t('dpo.request.scope.kept', { count: 1, references: reference }));
    await expectNoViolations(page);
    await page.getByRole('checkbox', { name: t('dpo.request.eraseConfirm') }).check();
    await page.getByRole('button', { name: t('dpo.request.eraseSubmit') }).click();
    await page.waitForURL('**?done=erase#result');
    expect(await page.locator('[data-done]').textContent()).toBe(t('dpo.request.done.erase'));
    expect(await page.locator('[data-erased]').count()).toBe(1);
    expect(await page.locator('[data-trail] tr[data-event="erased"]').textContent()).toContain(t('dpo.request.count.consentRecords', { count: 1 }));

    await page.goto(`/dpo/consent?q=${consentId}`);
    expect(await page.locator(`[data-consent-id="${consentId}"]`).count()).toBe(0);
    expect(await sql.value('select count(*) from consent_records where consent_id = ?', consentId)).toBe(0);
    expect((await context.request.get(`/api/consent/${consentId}/receipt`)).status()).toBe(404);
    await context.close();
  });

  test('without JavaScript, in Bulgarian: a consent id typed into a request links nothing until the DPO checks and links it', async () => {
    const bg = translate('bg');
    // The requester's other device: a cookie choice there, its consent id copied from the preferences page.
    const device = await session.newContext({ javaScriptEnabled: false });
    const devicePage = await device.newPage();
    await devicePage.goto('/bg/');
    await devicePage.locator('[data-consent-banner] [data-consent-action="accept-all"]').click();
    await devicePage.waitForURL('**/bg/');
    await devicePage.goto('/bg/consent');
    const consentId = (await devicePage.locator('[data-consent-id]').textContent()) ?? '';
    expect(consentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await device.close();

    const requester = 'ivan.two-devices@example.bg';
    const reference = await sendRequest({ type: 'access', locale: 'bg', name: 'Иван Петров', email: requester, consentId });
    const { context, page } = await signIn(false);
    await page.goto(`/dpo/requests/${reference}`);
    // The DPO reads the inbox in the language they last chose (another test switched it).
    const t = translate((await page.locator('html').getAttribute('lang')) as Locale);
    expect(await page.locator('[data-consent-proof]').textContent()).toBe(t('dpo.request.consentIdProof.none'));
    expect(await form(page, 'link').locator('p').first().textContent()).toBe(t('dpo.request.linkIntro', { consentId }));
    await expectNoViolations(page);

    // Posted without the DPO's confirmation, nothing is linked and the reason is beside the box.
    const unchecked = await context.request.post(`/dpo/requests/${reference}`, { form: { action: 'link', linkNote: 'Ontvangstbewijs <vergeleken>' } });
    expect(unchecked.status()).toBe(400);
    const refused = await unchecked.text();
    expect(refused).toContain(`<p class="field__error" id="field-checked-error">${t('dpo.request.errors.checked')}</p>`);
    expect(refused).toContain('Ontvangstbewijs &lt;vergeleken&gt;</textarea>');
    expect((await findRequest(db, reference))?.consentIdLinkedBy).toBeNull();

    await form(page, 'link')
      .getByRole('checkbox', { name: t('dpo.request.linkConfirm') })
      .check();
    await page.fill('#field-linkNote', 'Ontvangstbewijs <vergeleken>');
    await form(page, 'link')
      .getByRole('button', { name: t('dpo.request.linkSubmit') })
      .click();
    await page.waitForURL('**?done=link#result');
    expect(await page.locator('[data-done]').textContent()).toBe(t('dpo.request.done.link'));
    expect(await page.locator('[data-consent-proof]').getAttribute('data-consent-proof')).toBe('dpo');
    expect(await form(page, 'link').count()).toBe(0);
    const linked = page.locator('[data-trail] tbody tr[data-event="consent-id-linked"]');
    expect(await linked.locator('[data-actor]').textContent()).toBe(dpoEmail);
    expect(await linked.locator('p').allTextContents()).toEqual([t('dpo.request.detail.consentId', { consentId }), 'Ontvangstbewijs <vergeleken>']);
    expect((await findRequest(db, reference))?.consentIdLinkedBy).toBe('dpo');
    await expectNoViolations(page);
    await context.close();

    // The requester sees that their consent id was checked and linked; never the DPO's note.
    const message = await waitForMessageTo(outbox, requester);
    const statusLink = /https?:\/\/\S+\/bg\/requests\/DSR-\S+token=[\w-]+/.exec(message.text)?.[0].replace(/&verify=.*$/, '') ?? '';
    const visitor = await session.newContext({ javaScriptEnabled: false });
    const visitorPage = await visitor.newPage();
    await visitorPage.goto(statusLink);
    expect(await visitorPage.locator('[data-timeline] li[data-event="consent-id-linked"]').textContent()).toContain(
      bg('requests.status.events.consent-id-linked'),
    );
    expect(await visitorPage.locator('[data-consent-proof]').textContent()).toBe(bg('requests.status.consentIdProof.dpo'));
    expect(await visitorPage.content()).not.toContain('vergeleken');
    await visitor.close();
  });

  test('a cross-site post of an action is refused and changes nothing', async () => {
    const reference = await sendRequest({
      type: 'objection',
      locale: 'nl',
      name: 'Daan',
      email: 'daan.csrf@example.nl',
      scope: 'Nieuwsbrieven',
      grounds: 'Direct marketing',
    });
    const { context } = await signIn(false);
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'portal_dpo');
    const response = await fetch(`${baseURL}/dpo/requests/${reference}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'reject', rejectReason: 'forged' }),
      headers: { Cookie: `portal_dpo=${cookie?.value}`, Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect((await findRequest(db, reference))?.status).toBe('received');
    await context.close();
  });
});

describe('without a session', () => {
  test('the request page and the consent lookup redirect to sign-in; actions answer 401; nothing is revealed or changed', async () => {
    const reference = await sendRequest({
      type: 'rectification',
      locale: 'bg',
      name: 'Мария',
      email: 'maria.nosession@example.bg',
      inaccurateData: 'Стар адрес',
      correctData: 'Нов адрес',
    });
    for (const path of [`/dpo/requests/${reference}`, `/dpo/consent?q=maria.nosession@example.bg`, '/dpo/consent']) {
      const response = await fetch(`${baseURL}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toBe(`/dpo/login?next=${encodeURIComponent(path)}`);
      expect(await response.text()).not.toMatch(/Мария|@example|DSR-/);
    }
    for (const fields of [
      { action: 'verify', method: 'other' },
      { action: 'reject', rejectReason: 'x' },
      { action: 'erase', confirm: 'yes' },
      { action: 'note', text: 'x' },
    ]) {
      const response = await fetch(`${baseURL}/dpo/requests/${reference}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/Мария|@example|DSR-/);
    }
    const forged = await fetch(`${baseURL}/dpo/requests/${reference}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'start' }),
      headers: { Cookie: `portal_dpo=${'A'.repeat(43)}` },
      redirect: 'manual',
    });
    expect(forged.status).toBe(401);
    expect((await findRequest(db, reference))?.status).toBe('received');
  });
});

describe('reminders', () => {
  test('npm run dpo:reminders emails each DPO, in their language, the overdue and nearly due requests', async () => {
    const day = 24 * 60 * 60 * 1000;
    const late = await createRequest(store, {
      submission: requestSubmissionSchema.parse({
        type: 'restriction',
        locale: 'nl',
        name: 'Late',
        email: 'late.reminder@example.nl',
        details: 'x',
        declaration: true,
      }),
      now: Date.now() - 33 * day,
      timeZone: 'Europe/Athens',
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: newToken().hash,
    });
    const result = runScript('scripts/dpo-reminders.ts', [], { PUBLIC_URL: 'https://privacy.ostria.example' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Reminder sent to \d+ of \d+ DPO accounts/);
    expect(result.stdout).not.toContain('@');
    const [, overdue, dueSoon] = (/: (\d+) overdue, (\d+) due within 7 days/.exec(result.stdout) ?? []).map(Number);
    // The DPO's language is the one they last chose in the inbox.
    const t = translate((await sql.value('select locale from dpo_users where email = ?', dpoEmail)) as Locale);
    const digest = (await outboxMessagesTo(outbox, dpoEmail)).at(-1);
    expect(overdue).toBeGreaterThanOrEqual(1);
    expect(digest?.subject).toBe(t('dpo.email.digestSubject', { count: (overdue ?? 0) + (dueSoon ?? 0) }));
    expect(digest?.text).toContain(t('dpo.email.digestOverdue'));
    expect(digest?.text).toContain(`${late.reference} · ${t('dpo.types.restriction')}`);
    expect(digest?.text).toContain(t('requests.status.overdue', { count: 3 }));
    expect(digest?.text).toContain('https://privacy.ostria.example/dpo?status=open');
  });
});
