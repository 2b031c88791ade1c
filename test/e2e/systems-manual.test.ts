// The manual channel as its people use it, with JavaScript off: an access request reaches two systems kept by hand,
// whose owners speak Greek and Dutch. Each owner gets an email in their language with a private link; the Greek owner
// uploads a CSV and a PDF (after a file that is neither is refused beside the field, their note kept), the Dutch owner
// says the system holds nothing. The DPO sees both done, with the files; a second use of a link is refused and on the
// trail; the requester's package holds the uploaded files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { reloadedTaskStatuses, signInOnPage } from './dpo-steps.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-manual-'));
const outbox = join(dataDir, 'outbox');
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;

const archiveOwner = 'archeio@ostria.example';
const callsOwner = 'gesprekken@ostria.example';
const requesterEmail = 'katarzyna.wisniewska@example.com';
const csv = Buffer.from('contract,signed,product\nC-2024-118,2024-03-02,Mail Pro\nC-2025-007,2025-01-15,Hosting S\n');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
// A PNG picture named as a PDF: refused by what it is, whatever its name and declared type say.
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]);

beforeAll(async () => {
  const register = join(dataDir, 'systems.json');
  writeFileSync(
    register,
    JSON.stringify({
      systems: [
        {
          id: 'paper-archive',
          kind: 'manual',
          name: { el: 'Αρχείο συμβάσεων', bg: 'Архив на договорите', nl: 'Contractenarchief', pl: 'Archiwum umów' },
          owner: { email: archiveOwner, locale: 'el', name: 'Νίκος Παπαδόπουλος' },
          categories: [{ el: 'Συμβάσεις', bg: 'Договори', nl: 'Contracten', pl: 'Umowy' }],
        },
        {
          id: 'call-recordings',
          kind: 'manual',
          name: { el: 'Ηχογραφήσεις κλήσεων', bg: 'Записи на разговори', nl: 'Gespreksopnamen', pl: 'Nagrania rozmów' },
          owner: { email: callsOwner, locale: 'nl', name: 'Sanne Bakker' },
          categories: [{ el: 'Ηχογραφήσεις', bg: 'Записи', nl: 'Opnamen', pl: 'Nagrania' }],
        },
      ],
    }),
  );
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({ ...database.env, OUTBOX_DIR: outbox, SYSTEMS_FILE: register });
  if (hasBrowser) session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Submits the page's form `name` and returns the answer's status (the page it shows is the answer to the POST). */
async function submit(page: Page, form: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.request().method() === 'POST'),
    page.locator(`form[data-owner-form="${form}"] button[type="submit"]`).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

/** axe on a copy of the page with JavaScript (axe runs in the page), at both widths; screenshots when SHOTS is set. */
async function checkAccessible(context: BrowserContext, url: string, name: string) {
  const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
  const page = await twin.newPage();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    const violations = await axeViolations(page);
    expect(violations, `${name} at ${width}: ${describeViolations(violations)}`).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    if (process.env.SHOTS) await page.screenshot({ path: `.shots/${name}-${width}.png`, fullPage: true });
  }
  await twin.close();
}

describe.skipIf(!hasBrowser)('a system kept by hand', () => {
  test('its owners answer in Greek and Dutch through their private links; the DPO sees it; the package holds the files', async () => {
    const bg = translate('bg');
    const el = translate('el');
    const nl = translate('nl');
    const account = createDpoAccount('dpo.manual@ostria.example', 'bg', { env: database.env });
    const submitted = await fetch(`${portal.baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'access',
        locale: 'pl',
        name: 'Katarzyna Wiśniewska',
        email: requesterEmail,
        customerReference: 'OST-40417',
        declaration: true,
      }),
    });
    expect(submitted.status).toBe(201);
    const { reference } = (await submitted.json()) as { reference: string };
    const requesterMail = await waitForMessageTo(outbox, requesterEmail);
    const statusLink = /https?:\/\/\S+\/pl\/requests\/DSR-\S+token=[\w-]+/.exec(requesterMail.text)?.[0].replace(/&verify=.*$/, '') ?? '';

    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const dpo = await context.newPage();
    await signInOnPage(dpo, account);
    await dpo.goto(`/dpo/requests/${reference}`);
    await dpo.locator('form[data-action="verify"] select').selectOption('customer-account');
    await dpo.locator('form[data-action="verify"] button').click();
    await dpo.waitForURL('**?done=verify#result');
    await dpo.locator('form[data-action="start"] button').click();
    await dpo.waitForURL('**?done=start#result');

    // Each owner's mail, in their own language, with their link.
    const greekMail = await waitForMessageTo(outbox, archiveOwner);
    const dutchMail = await waitForMessageTo(outbox, callsOwner);
    expect(greekMail.subject).toMatch(new RegExp(`^Εργασία για το σύστημα Αρχείο συμβάσεων: αίτημα ${reference} \\(προθεσμία .+\\)$`));
    expect(greekMail.headerBlock).toMatch(/^Content-Language: el$/m);
    expect(greekMail.text).toContain('Προς: Νίκος Παπαδόπουλος\nΓεια σας,');
    expect(greekMail.text).toContain(`${el('ownerTask.identifiers.customerReference')}: OST-40417`);
    expect(dutchMail.subject).toMatch(new RegExp(`^Taak voor Gespreksopnamen: verzoek ${reference} \\(uiterlijk .+\\)$`));
    expect(dutchMail.text).toContain(nl('ownerTask.todo.collect', { system: 'Gespreksopnamen' }));
    const linkIn = (text: string, locale: string) => new RegExp(`https?://\\S+/${locale}/tasks/\\d+\\?token=[\\w%-]+`).exec(text)?.[0] ?? '';
    const greekLink = linkIn(greekMail.text, 'el');
    const dutchLink = linkIn(dutchMail.text, 'nl');
    expect(greekLink).not.toBe('');
    expect(dutchLink).not.toBe('');

    // The DPO sees when each link went out and until when it works.
    await dpo.reload();
    expect(await dpo.locator('[data-system="paper-archive"] [data-task-link-sent]').textContent()).toContain(archiveOwner);
    expect(await dpo.locator('[data-system="paper-archive"] form[data-task-action="retry"] button').textContent()).toBe(bg('dpo.tasks.resendLink'));
    if (process.env.SHOTS) await dpo.locator('[data-tasks]').screenshot({ path: '.shots/dpo-manual-waiting.png' });

    // The Greek owner's page: the task, the identifiers the DPO verified; private (no-store, no referrer, noindex).
    const owner = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    owner.setDefaultTimeout(10_000);
    const ownerPage = await owner.newPage();
    const opened = await ownerPage.goto(greekLink);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['cache-control']).toBe('no-store');
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await ownerPage.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex');
    expect(await ownerPage.locator('h1').textContent()).toBe(el('ownerTask.title', { system: 'Αρχείο συμβάσεων' }));
    expect(await ownerPage.locator('[data-reference]').textContent()).toBe(reference);
    expect(await ownerPage.locator('[data-identifiers] dd').allTextContents()).toEqual([requesterEmail, 'OST-40417']);
    await checkAccessible(owner, greekLink, 'owner-task-el');

    // An answer over the post's cap (10 MB) is not read: the page again with the message beside the file field, 413.
    const tooLarge = new FormData();
    tooLarge.set('token', new URL(greekLink).searchParams.get('token') ?? '');
    tooLarge.set('answer', 'files');
    tooLarge.append('files', new Blob([Buffer.alloc(11 * 1024 * 1024, 0x61)], { type: 'text/csv' }), 'huge.csv');
    const refused = await fetch(greekLink, { method: 'POST', body: tooLarge, headers: { Origin: portal.baseURL } });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain(el('ownerTask.problems.postTooLarge', { size: '10 MB', dpoEmail: 'dpo@ostria.example' }));

    // A picture named .pdf: refused beside the file field, in Greek; the note is still there.
    await ownerPage.setInputFiles('#field-files', [{ name: 'σύμβαση.pdf', mimeType: 'application/pdf', buffer: png }]);
    await ownerPage.fill('#files-note', 'Δύο συμβάσεις στο αρχείο.');
    expect(await submit(ownerPage, 'files')).toBe(400);
    expect(await ownerPage.locator('[data-field="files"] .field__error').textContent()).toBe(el('ownerTask.problems.type', { name: 'σύμβαση.pdf' }));
    expect(await ownerPage.locator('#field-files').getAttribute('aria-invalid')).toBe('true');
    expect(await ownerPage.locator('#files-note').inputValue()).toBe('Δύο συμβάσεις στο αρχείο.');
    if (process.env.SHOTS) await ownerPage.screenshot({ path: '.shots/owner-task-el-refused.png', fullPage: true });

    await ownerPage.setInputFiles('#field-files', [
      { name: 'contracts.csv', mimeType: 'text/csv', buffer: csv },
      { name: 'scan 2024.pdf', mimeType: 'application/pdf', buffer: pdf },
    ]);
    expect(await submit(ownerPage, 'files')).toBe(200);
    expect(await ownerPage.locator('h1').textContent()).toBe(el('ownerTask.thanks.title'));
    expect(await ownerPage.locator('[data-owner-task="thanks"] p').first().textContent()).toBe(el('ownerTask.thanks.files', { count: 2, reference }));
    expect(await ownerPage.locator('[data-owner-files] li').allTextContents()).toEqual(['contracts.csv', 'scan 2024.pdf']);
    if (process.env.SHOTS) await ownerPage.screenshot({ path: '.shots/owner-task-el-thanks.png', fullPage: true });

    // The link works once.
    const again = await ownerPage.goto(greekLink);
    expect(again?.status()).toBe(409);
    expect(await ownerPage.locator('[data-owner-task="answered"]').textContent()).toBe(el('ownerTask.answered.text', { dpoEmail: 'dpo@ostria.example' }));
    // A made-up token or task is the portal's 404.
    expect((await fetch(greekLink.replace(/token=[^&]+/, 'token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);
    expect((await fetch(`${portal.baseURL}/el/tasks/99999?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);

    // The Dutch owner: nothing held, with why.
    const dutchPage = await owner.newPage();
    await dutchPage.goto(dutchLink);
    expect(await dutchPage.locator('h1').textContent()).toBe(nl('ownerTask.title', { system: 'Gespreksopnamen' }));
    await dutchPage.fill('#nothing-note', 'Geen opnamen bij dit adres of klantnummer.');
    expect(await submit(dutchPage, 'nothing')).toBe(200);
    expect(await dutchPage.locator('[data-owner-task="thanks"] p').first().textContent()).toBe(nl('ownerTask.thanks.nothing', { system: 'Gespreksopnamen' }));
    await checkAccessible(owner, dutchLink, 'owner-task-nl-answered');

    // The DPO's page: both done, the owner's files linked, the other owner's answer; the refused second use on the trail.
    await expect
      .poll(async () => await reloadedTaskStatuses(dpo), { timeout: 10_000, interval: 300 })
      .toEqual({ 'paper-archive': 'done', 'call-recordings': 'done' });
    const archive = dpo.locator('[data-system="paper-archive"]');
    expect(await archive.locator('[data-task-files] a').allTextContents()).toEqual(['contracts.csv', 'scan 2024.pdf']);
    expect(await archive.locator('[data-task-files] a').first().getAttribute('href')).toMatch(new RegExp(`^/dpo/requests/${reference}/files/\\d+$`));
    expect(await archive.locator('[data-task-result] p').allTextContents()).toEqual([bg('dpo.tasks.ownerNote', { note: 'Δύο συμβάσεις στο αρχείο.' })]);
    expect(await dpo.locator('[data-system="call-recordings"] [data-task-result] p').allTextContents()).toEqual([
      bg('dpo.tasks.ownerNothing'),
      bg('dpo.tasks.ownerNote', { note: 'Geen opnamen bij dit adres of klantnummer.' }),
    ]);
    const trail = await dpo.locator('[data-trail] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')));
    expect(trail.filter((kind) => kind === 'task-done')).toHaveLength(2);
    expect(trail).toContain('task-callback-refused');
    if (process.env.SHOTS) await dpo.locator('[data-tasks]').screenshot({ path: '.shots/dpo-manual-tasks.png' });

    // Completing: the requester's package holds the owner's files as uploaded.
    await dpo.locator('form[data-action="complete"] textarea[name="message"]').fill('Przesyłamy Pani dane ze wszystkich systemów.');
    await dpo.locator('form[data-action="complete"] button').click();
    await dpo.waitForURL('**?done=complete**');
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const statusPage = await requester.newPage();
    await statusPage.goto(statusLink);
    const download = await requester.request.get((await statusPage.locator('[data-export] a').getAttribute('href')) ?? '');
    expect(download.headers()['content-type']).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await download.body()));
    expect(Buffer.from(entries['files/contracts.csv'] ?? new Uint8Array()).equals(csv)).toBe(true);
    expect(Buffer.from(entries['files/scan 2024.pdf'] ?? new Uint8Array()).equals(pdf)).toBe(true);
    const data = JSON.parse(strFromU8(entries['data.json'] ?? new Uint8Array())) as { systemsWithoutData: { system: string; reason: string }[] };
    expect(data.systemsWithoutData.map((entry) => [entry.system, entry.reason])).toEqual([['call-recordings', 'holds-nothing']]);
    const html = strFromU8(entries['index.html'] ?? new Uint8Array());
    // The archive's section names its files; the recordings are among the systems without data.
    const pl = translate('pl');
    expect(html).toMatch(
      /<h3 id="system-files-0">Archiwum umów<\/h3><dl>.*<a href="files\/contracts.csv">contracts.csv<\/a>, <a href="files\/scan 2024.pdf">scan 2024.pdf<\/a>/,
    );
    expect(html).toContain(`<li>Nagrania rozmów: ${pl('package.systems.holdsNothing')}</li>`);
    expect(html).not.toContain(pl('package.systems.none'));
    if (process.env.SHOTS) {
      const documentPage = await requester.newPage();
      await documentPage.setContent(html);
      await documentPage.screenshot({ path: '.shots/package-pl-manual.png', fullPage: true });
    }
    await requester.close();
    await owner.close();
    await context.close();
  });
});
