// The requester's download of an answered access request, as a Dutch-speaking DPO and a Polish requester see it with
// JavaScript off: the DPO attaches a PDF to the answer (a file of another kind is refused next to the field), completes,
// and the requester downloads the package with the signed link from their mail and status page (the PDF inside, the
// status token nowhere in the link). A tampered link is refused; once the 7 days have passed it has expired, and the
// status page says so; the DPO renews it, the requester's mail carries a new link that works, and the page shows the
// download again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportLinkQuery, fileLinkQuery } from '../../src/lib/export-link.ts';
import { formatMoment } from '../../src/lib/i18n.ts';
import { uploadLimits } from '../../src/lib/uploads.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { outboxMessagesTo, waitForMessageTo, type ReadMessage } from './mail.ts';
import { signInOnPage } from './dpo-steps.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-export-renewal-'));
const outbox = join(dataDir, 'outbox');
const requesterEmail = 'agnieszka.wisniewska@example.pl';
const day = 86_400_000;
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;
let portalSecret: string;

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portalSecret = database.env.PORTAL_SECRET ?? 'export-renewal-test-portal-secret-0123456789';
  portal = await startPortal({ ...database.env, PORTAL_SECRET: portalSecret, OUTBOX_DIR: outbox });
  if (hasBrowser) session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const nl = translate('nl');
const pl = translate('pl');
const megabytes = (locale: string, bytes: number) =>
  new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 0 }).format(bytes / 1024 / 1024);
const limits = { size: megabytes('nl', uploadLimits.fileBytes), total: megabytes('nl', uploadLimits.postBytes) };
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Facturen 2026 van mevrouw Wiśniewska\n%%EOF\n');
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** The newest mail to `to` with this subject, once it has arrived. */
async function mailWithSubjectTo(to: string, subject: string): Promise<ReadMessage> {
  await expect.poll(async () => (await outboxMessagesTo(outbox, to)).some((mail) => mail.subject === subject), { timeout: 10_000 }).toBe(true);
  return (await outboxMessagesTo(outbox, to)).findLast((mail) => mail.subject === subject) as ReadMessage;
}
const mailWithSubject = (subject: string) => mailWithSubjectTo(requesterEmail, subject);

/** The signed package link a mail carries. */
const packageLinkIn = (mail: ReadMessage) => /https?:\/\/\S+\/api\/requests\/DSR-\S+\/export\?until=\d+&sig=[\w-]+/.exec(mail.text)?.[0] ?? '';

async function expectNoViolations(context: BrowserContext, url: string, selector: string, shot: string) {
  const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
  const page = await twin.newPage();
  await page.goto(url);
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  await page
    .locator(selector)
    .first()
    .screenshot({ path: `.shots/${shot}-1280.png` });
  await page.setViewportSize({ width: 390, height: 900 });
  await page
    .locator(selector)
    .first()
    .screenshot({ path: `.shots/${shot}-390.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await twin.close();
}

describe.skipIf(!hasBrowser)('the signed download, its renewal and the DPO’s attachments', () => {
  test('without JavaScript, a Dutch DPO and a Polish requester: a PDF in the package, a signed link, expiry, renewal', async () => {
    const account = createDpoAccount('sanne.dpo@ostria.example', 'nl', { env: { ...database.env, PORTAL_SECRET: portalSecret } });
    const submitted = await fetch(`${portal.baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'access',
        locale: 'pl',
        name: 'Agnieszka Wiśniewska',
        email: requesterEmail,
        details: 'Wszystko, co o mnie macie',
        declaration: true,
      }),
    });
    expect(submitted.status).toBe(201);
    const { reference } = (await submitted.json()) as { reference: string };
    const received = await waitForMessageTo(outbox, requesterEmail);
    const statusLink = /https?:\/\/\S+\/pl\/requests\/DSR-\S+token=[\w-]+/.exec(received.text)?.[0].replace(/&verify=.*$/, '') ?? '';
    const statusToken = new URL(statusLink).searchParams.get('token') ?? '';

    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInOnPage(page, account);
    const here = `/dpo/requests/${reference}`;
    await page.goto(here);
    await page.locator('form[data-action="verify"] select').selectOption('customer-account');
    await page.locator('form[data-action="verify"] button').click();
    await page.waitForURL('**?done=verify#result');
    await page.locator('form[data-action="start"] button').click();
    await page.waitForURL('**?done=start#result');

    // A picture named and typed as a PDF is refused by its content, next to the field; the PDF is attached.
    const files = page.locator('[data-files]');
    expect(await files.locator('[data-no-files]').textContent()).toBe(nl('dpo.files.none'));
    await files.locator('input[type="file"]').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: png });
    await files.locator('form[data-attach] button').click();
    await page.waitForURL('**?filesProblem=type#files');
    const error = page.locator('#field-files-error');
    expect(await error.textContent()).toBe(nl('dpo.files.problems.type'));
    expect(await page.locator('#field-files').getAttribute('aria-describedby')).toContain('field-files-error');
    expect(await page.locator('#field-files').getAttribute('aria-invalid')).toBe('true');
    expect(await files.locator('[data-no-files]').count()).toBe(1);
    await files.screenshot({ path: '.shots/dpo-files-error-nl.png' });
    await files.locator('input[type="file"]').setInputFiles({ name: 'facturen 2026.pdf', mimeType: 'application/pdf', buffer: pdf });
    await files.locator('form[data-attach] button').click();
    await page.waitForURL('**?filesDone=attached#files');
    expect(await files.locator('[data-files-done]').textContent()).toBe(nl('dpo.files.done.attached'));
    const row = files.locator('[data-file]');
    expect(await row.locator('[data-file-name]').textContent()).toBe('facturen 2026.pdf');
    expect(await row.locator('[data-file-size]').textContent()).toBe(
      new Intl.NumberFormat('nl', { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 }).format(pdf.length / 1024),
    );
    expect(await row.locator('button').textContent()).toBe(nl('dpo.files.remove', { name: 'facturen 2026.pdf' }));
    expect(await files.locator('.field__help').textContent()).toBe(nl('dpo.files.help', limits));
    // The DPO's own download of it: an attachment, not cached, not sniffed.
    const own = await context.request.get(`${here}/files/${await row.getAttribute('data-file')}`);
    expect(own.status()).toBe(200);
    expect(own.headers()['content-disposition']).toBe(`attachment; filename="facturen 2026.pdf"; filename*=UTF-8''facturen%202026.pdf`);
    expect(own.headers()['cache-control']).toBe('no-store');
    expect(own.headers()['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(await own.body()).equals(pdf)).toBe(true);
    expect(await page.locator('[data-trail] tr[data-event="file-attached"] p').textContent()).toContain('facturen 2026.pdf');
    await expectNoViolations(context, page.url(), '[data-files]', 'dpo-files-nl');

    await page.locator('form[data-action="complete"] textarea[name="message"]').fill('W załączeniu przesyłamy Pani dane i faktury.');
    await page.locator('form[data-action="complete"] button').click();
    await page.waitForURL('**?done=complete**');
    expect(await files.locator('form[data-attach]').count()).toBe(0);
    expect(await files.locator('[data-files-closed]').textContent()).toBe(nl('dpo.files.closed'));

    // The completion mail gives the package's signed link; the status page gives the same; neither carries the token.
    const completed = await mailWithSubject(pl('dpo.email.completedSubject', { reference }));
    const mailed = packageLinkIn(completed);
    expect(mailed).not.toBe('');
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const status = await requester.newPage();
    await status.goto(statusLink);
    const href = (await status.locator('[data-export] a').getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/requests\/DSR-[\w-]+\/export\?until=\d+&sig=[\w-]{43}$/);
    expect(new URL(mailed).pathname + new URL(mailed).search).toBe(href);
    expect(href + mailed).not.toContain(statusToken);
    const download = await requester.request.get(mailed);
    expect(download.headers()['content-type'], `${download.status()} ${await download.text()}`).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await download.body()));
    expect(Buffer.from(entries['files/facturen 2026.pdf'] ?? new Uint8Array()).equals(pdf)).toBe(true);
    const document = strFromU8(entries['index.html'] ?? new Uint8Array());
    expect(document).toContain('<html lang="pl">');
    expect(document).toContain('facturen 2026.pdf');
    expect(document).toContain(pl('package.files.heading'));

    // A link altered in its time or its signature opens nothing.
    const link = new URL(mailed);
    const until = Number(link.searchParams.get('until'));
    const sig = link.searchParams.get('sig') ?? '';
    const later = await requester.request.get(`${link.pathname}?until=${until + 7 * day}&sig=${sig}`);
    expect([later.status(), ((await later.json()) as { error: { code: string } }).error.code]).toEqual([404, 'no_export']);
    const forged = await requester.request.get(`${link.pathname}?until=${until}&sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    expect(forged.status()).toBe(404);
    expect((await requester.request.get(`${link.pathname}?until=${until}`)).status()).toBe(404);

    // Eight days on: the export was made then, and the link its mail gave (signed until then + 7 days) has expired.
    const completedAt = (await database.sql.value<number>('SELECT created_at FROM request_exports')) - 8 * day;
    await database.sql.run('UPDATE request_exports SET created_at = ?, expires_at = ?', completedAt, completedAt + 7 * day);
    const exportId = await database.sql.value<number>('SELECT id FROM request_exports');
    const thenLink = `${link.pathname}?${exportLinkQuery(portalSecret, reference, exportId, completedAt + 7 * day)}`;
    for (const expired of [thenLink, mailed]) {
      const answer = await requester.request.get(expired);
      expect([answer.status(), ((await answer.json()) as { error: { code: string } }).error.code]).toEqual([410, 'export_expired']);
    }
    await status.reload();
    expect(await status.locator('[data-export] a').count()).toBe(0);
    expect(await status.locator('[data-export-expired]').textContent()).toBe(
      pl('requests.status.exportExpired', { date: formatMoment(completedAt + 7 * day, 'pl'), dpoEmail: 'dpo@ostria.example' }),
    );

    // The DPO sees it expired and renews it; the requester is mailed, in Polish, a new link that works.
    await page.goto(here);
    const downloads = page.locator('[data-downloads]');
    expect(await downloads.getAttribute('data-expired')).toBe('true');
    expect(await downloads.locator('[data-downloads-until]').textContent()).toBe(nl('dpo.export.expired', { date: formatMoment(completedAt + 7 * day, 'nl') }));
    await expectNoViolations(context, page.url(), '[data-downloads]', 'dpo-renewal-nl');
    await downloads.locator('form[data-action="renew"] button').click();
    await page.waitForURL('**?exportDone=renewed#downloads');
    expect(await downloads.locator('[data-renewed]').textContent()).toBe(nl('dpo.export.done'));
    expect(await downloads.getAttribute('data-expired')).toBe('false');
    expect(await downloads.locator('form[data-action="renew"]').count()).toBe(0);
    expect(await page.locator('[data-trail] tr[data-event="export-renewed"]').count()).toBe(1);

    const renewal = await mailWithSubject(pl('dpo.email.renewedSubject', { reference }));
    expect(renewal.text).toContain(pl('dpo.email.renewedBody', { reference }));
    const renewedLink = packageLinkIn(renewal);
    expect(renewedLink).not.toBe(mailed);
    const again = await requester.request.get(renewedLink);
    expect(again.headers()['content-type'], `${again.status()} ${await again.text()}`).toBe('application/zip');
    expect((await requester.request.get(thenLink)).status()).toBe(410);

    await status.reload();
    expect(await status.locator('[data-export] a').getAttribute('href')).toBe(new URL(renewedLink).pathname + new URL(renewedLink).search);
    expect(await status.locator('[data-export-renewed]').count()).toBe(1);
    expect(await status.locator('[data-timeline] li[data-event="export-renewed"]').textContent()).toContain(pl('requests.status.events.export-renewed'));
    await expectNoViolations(requester, statusLink, '[data-export]', 'status-renewed-pl');

    const downloaded = await database.sql.column<string>("SELECT detail FROM request_events WHERE kind = 'exported' ORDER BY id");
    expect(downloaded.map((detail) => (JSON.parse(detail) as { link: string }).link)).toEqual(['signed', 'signed']);
    await requester.close();
    await context.close();
  });
});

describe('the files of an answer without a package', () => {
  test('a rectification’s attached PDF: a signed link per file on the Greek status page, 410 once its 7 days are over, renewed by the DPO', async () => {
    const account = createDpoAccount('nikos.dpo@ostria.example', 'el', { env: { ...database.env, PORTAL_SECRET: portalSecret } });
    const cookie = sessionCookie(await signInDpo(portal.baseURL, account));
    const email = 'giorgos.k@example.gr';
    const submitted = await fetch(`${portal.baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'rectification',
        locale: 'el',
        name: 'Γιώργος Κ.',
        email,
        inaccurateData: 'Η διεύθυνσή μου',
        correctData: 'Οδός Αιόλου 10',
        declaration: true,
      }),
    });
    const { reference } = (await submitted.json()) as { reference: string };
    const statusLink =
      /https?:\/\/\S+\/el\/requests\/DSR-\S+token=[\w-]+/.exec((await waitForMessageTo(outbox, email)).text)?.[0].replace(/&verify=.*$/, '') ?? '';
    const post = (path: string, body: URLSearchParams | FormData) =>
      fetch(`${portal.baseURL}${path}`, { method: 'POST', body, headers: { Cookie: cookie, Origin: portal.baseURL }, redirect: 'manual' });
    const here = `/dpo/requests/${reference}`;
    expect((await post(here, new URLSearchParams({ action: 'verify', method: 'customer-account' }))).status).toBe(303);
    expect((await post(here, new URLSearchParams({ action: 'start' }))).status).toBe(303);
    // Nothing to download yet: the renewal is refused, and the page says why.
    const early = await post(`${here}/export`, new URLSearchParams({ action: 'renew' }));
    expect(early.headers.get('location')).toBe(`${here}?exportProblem=nothingToRenew#downloads`);
    const refusal = await (await fetch(`${portal.baseURL}${early.headers.get('location')}`, { headers: { Cookie: cookie } })).text();
    expect(refusal).toContain(translate('el')('dpo.export.problems.nothingToRenew'));
    const form = new FormData();
    form.set('action', 'attach');
    form.append('files', new Blob([pdf]), 'διόρθωση.pdf');
    expect((await post(`${here}/files`, form)).headers.get('location')).toBe(`${here}?filesDone=attached#files`);
    // Empty, too large (one file, or the whole post), not a form: refused, nothing stored; a CSV attached, then removed.
    const attempt = async (files: { content: Buffer; name: string }[]) => {
      const body = new FormData();
      body.set('action', 'attach');
      for (const file of files) body.append('files', new Blob([new Uint8Array(file.content)]), file.name);
      return (await post(`${here}/files`, body)).headers.get('location');
    };
    const big = Buffer.concat([pdf, Buffer.alloc(uploadLimits.fileBytes)]);
    expect(await attempt([{ content: Buffer.alloc(0), name: 'leeg.pdf' }])).toBe(`${here}?filesProblem=empty#files`);
    expect(await attempt([{ content: big, name: 'groot.pdf' }])).toBe(`${here}?filesProblem=tooLarge#files`);
    expect(await attempt([0, 1, 2].map(() => ({ content: big.subarray(0, uploadLimits.fileBytes - 1), name: 'deel.pdf' })))).toBe(
      `${here}?filesProblem=tooLarge#files`,
    );
    expect(await attempt([])).toBe(`${here}?filesProblem=none#files`);
    const json = await fetch(`${portal.baseURL}${here}/files`, {
      method: 'POST',
      body: '{}',
      headers: { Cookie: cookie, Origin: portal.baseURL, 'Content-Type': 'application/json' },
    });
    expect(json.status).toBe(415);
    expect(await attempt([{ content: Buffer.from('veld;waarde\nadres;Aiolou 10\n'), name: 'adres.csv' }])).toBe(`${here}?filesDone=attached#files`);
    const csvId = await database.sql.value<number>("SELECT id FROM request_files WHERE name = 'adres.csv'");
    expect((await post(`${here}/files`, new URLSearchParams({ action: 'remove', file: String(csvId) }))).headers.get('location')).toBe(
      `${here}?filesDone=removed#files`,
    );
    expect(await database.sql.column<string>('SELECT name FROM request_files ORDER BY id')).toEqual(['facturen 2026.pdf', 'διόρθωση.pdf']);
    expect((await post(here, new URLSearchParams({ action: 'complete', message: 'Διορθώσαμε τη διεύθυνσή σας.' }))).status).toBe(303);

    const completed = await mailWithSubjectTo(email, translate('el')('dpo.email.completedSubject', { reference }));
    const mailedFile = /https?:\/\/\S+\/api\/requests\/DSR-\S+\/files\/\d+\?until=\d+&sig=[\w-]+/.exec(completed.text)?.[0] ?? '';
    expect(completed.text).toContain('διόρθωση.pdf');
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const status = await requester.newPage();
    await status.goto(statusLink);
    const link = status.locator('[data-answer-files] a');
    expect(await link.textContent()).toBe('διόρθωση.pdf');
    expect(new URL(mailedFile).pathname + new URL(mailedFile).search).toBe(await link.getAttribute('href'));
    const file = await requester.request.get(mailedFile);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect(file.headers()['content-disposition']).toBe(`attachment; filename="________.pdf"; filename*=UTF-8''${encodeURIComponent('διόρθωση.pdf')}`);
    expect(file.headers()['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(await file.body()).equals(pdf)).toBe(true);
    const url = new URL(mailedFile);
    const fileId = Number(url.pathname.split('/').at(-1));
    const until = Number(url.searchParams.get('until'));
    expect((await requester.request.get(`${url.pathname}?until=${until + day}&sig=${url.searchParams.get('sig')}`)).status()).toBe(404);
    expect((await requester.request.get(`/api/requests/${reference}/files/${fileId + 1}${url.search}`)).status()).toBe(404);

    // Eight days after the answer: the link the mail gave then has expired, and the page says so.
    const closedAt = (await database.sql.value<number>('SELECT closed_at FROM requests WHERE reference = ?', reference)) - 8 * day;
    await database.sql.run('UPDATE requests SET closed_at = ? WHERE reference = ?', closedAt, reference);
    const thenLink = `${url.pathname}?${fileLinkQuery(portalSecret, reference, fileId, closedAt + 7 * day)}`;
    expect((await requester.request.get(thenLink)).status()).toBe(410);
    expect((await requester.request.get(mailedFile)).status()).toBe(410);
    await status.reload();
    expect(await status.locator('[data-answer-files] a').count()).toBe(0);
    expect(await status.locator('[data-files-expired]').count()).toBe(1);
    await status.locator('[data-answer-files]').screenshot({ path: '.shots/status-files-expired-el.png' });

    const renewed = await post(`${here}/export`, new URLSearchParams({ action: 'renew' }));
    expect(renewed.headers.get('location')).toBe(`${here}?exportDone=renewed#downloads`);
    const renewal = await mailWithSubjectTo(email, translate('el')('dpo.email.renewedSubject', { reference }));
    const renewedFile = /https?:\/\/\S+\/api\/requests\/DSR-\S+\/files\/\d+\?until=\d+&sig=[\w-]+/.exec(renewal.text)?.[0] ?? '';
    expect((await requester.request.get(renewedFile)).status()).toBe(200);
    await status.reload();
    expect(await status.locator('[data-answer-files] a').getAttribute('href')).toBe(new URL(renewedFile).pathname + new URL(renewedFile).search);
    await requester.close();
  });
});
