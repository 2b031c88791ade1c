// An erasure across every system, as a Dutch-speaking DPO works it with JavaScript off, for a Polish requester: the
// sample company's customer database (SQLite, the register's own erasure statements), a webhook system (a real HTTP
// server in the test that answers with its counts) and a contract archive kept by hand, whose owner speaks Bulgarian.
// Nothing runs before the DPO executes the erasure; then the database really loses the rows (counted per statement),
// the webhook reports its counts, the owner confirms through their private link, each processor of the notice gets
// its Art. 19 mail in its own language, and the requester hears in Polish that it is done.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureSampleCustomerDatabase } from '../../scripts/support/sample-company.ts';
import { walkthroughEmail } from '../../scripts/support/sample-customers.ts';
import { verifySignature } from '../../src/lib/systems/webhook-signature.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount } from './dpo-account.ts';
import { outboxMessagesTo, waitForMessageTo } from './mail.ts';
import { reloadedTaskStatuses, signInOnPage, verifyAndStart } from './dpo-steps.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-erasure-'));
const outbox = join(dataDir, 'outbox');
const customers = join(dataDir, 'customers.db');
const secret = 'login-history-secret-for-the-erasure-test-0123';
const archiveOwner = 'archive@ostria.example';
/** What the webhook system was asked to do, in the order it was asked (the portal must not erase before the DPO says so). */
const webhookActions: string[] = [];
let server: Server;
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;

const shipped = JSON.parse(readFileSync('content/systems.json', 'utf8')) as { systems: Record<string, unknown>[] };
const system = (id: string) => shipped.systems.find((candidate) => candidate.id === id) ?? {};
const organisation = JSON.parse(readFileSync('content/organisation.json', 'utf8')) as {
  processors: { id: string; name: string; email: string; locale: string }[];
};

beforeAll(async () => {
  // The login-history system: erases the requester's logins and says how many went, per table.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const refused = verifySignature(
        secret,
        request.headers['x-portal-timestamp'] as string,
        request.headers['x-portal-signature'] as string,
        body,
        Date.now(),
      );
      if (refused) return void response.writeHead(401).end();
      const message = JSON.parse(body) as { action: string; identifiers: { email: string | null } };
      webhookActions.push(message.action);
      if (message.action !== 'erase') return void response.writeHead(400).end();
      const mine = message.identifiers.email === walkthroughEmail;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ counts: { logins: mine ? 3 : 0, sessions: mine ? 1 : 0 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ensureSampleCustomerDatabase(customers);
  const register = join(dataDir, 'systems.json');
  writeFileSync(
    register,
    JSON.stringify({
      systems: [
        { ...system('customer-database'), url: { env: 'TEST_CUSTOMERS_URL' }, readUrl: { env: 'TEST_CUSTOMERS_URL' } },
        {
          ...system('login-history'),
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login-history`,
          secret: { env: 'TEST_LOGIN_HISTORY_SECRET' },
        },
        // Kept by hand; its owner (Maria Ivanova) reads Bulgarian.
        system('contract-archive'),
      ],
    }),
  );
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: outbox,
    SYSTEMS_FILE: register,
    TEST_CUSTOMERS_URL: `sqlite:${customers}`,
    TEST_LOGIN_HISTORY_SECRET: secret,
    TASK_RETRY_DELAYS_MS: '300',
  });
  if (hasBrowser) session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await portal?.stop();
  await database?.drop();
  server?.closeAllConnections();
  server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the sample customer database holds of the requester: their row, tickets and mailboxes (OST-10231). */
function customerRows() {
  const sample = new Database(customers, { readonly: true });
  try {
    const customer = sample
      .prepare("SELECT id, full_name, email, phone, street, postal_code, city, erased_on FROM customers WHERE customer_ref = 'OST-10231'")
      .get() as
      | {
          id: number;
          full_name: string;
          email: string | null;
          phone: string | null;
          street: string | null;
          postal_code: string | null;
          city: string | null;
          erased_on: string | null;
        }
      | undefined;
    const count = (table: string) => (sample.prepare(`SELECT count(*) AS n FROM ${table} WHERE customer_id = ?`).get(customer?.id ?? -1) as { n: number }).n;
    return { customer, tickets: count('support_tickets'), mailboxes: count('mailboxes'), invoices: count('invoices') };
  } finally {
    sample.close();
  }
}

describe.skipIf(!hasBrowser)('an erasure reaches every system', () => {
  test('without JavaScript, a Dutch DPO and a Polish requester: executed once, counted per system, confirmed by hand, processors told', async () => {
    const nl = translate('nl');
    const bg = translate('bg');
    const pl = translate('pl');
    const account = createDpoAccount('sanne.dpo@ostria.example', 'nl', { env: database.env });
    const before = customerRows();
    expect([before.tickets, before.mailboxes, before.customer?.email]).toEqual([2, 2, walkthroughEmail]);

    const submitted = await fetch(`${portal.baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'erasure',
        locale: 'pl',
        name: 'Eleni Georgiou',
        email: walkthroughEmail,
        scope: 'Wszystkie moje dane',
        grounds: 'Nie jestem już klientką.',
        declaration: true,
      }),
    });
    expect(submitted.status).toBe(201);
    const { reference } = (await submitted.json()) as { reference: string };
    await waitForMessageTo(outbox, walkthroughEmail);
    const requesterMailsBefore = (await outboxMessagesTo(outbox, walkthroughEmail)).length;

    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInOnPage(page, account);
    await verifyAndStart(page, reference);

    // Started: every system and every processor has its task, and each waits for the erasure; nothing has run.
    const waiting = Object.fromEntries(
      ['customer-database', 'login-history', 'contract-archive', ...organisation.processors.map((processor) => `recipient:${processor.id}`)].map((id) => [
        id,
        'pending',
      ]),
    );
    expect(await reloadedTaskStatuses(page)).toEqual(waiting);
    for (const id of Object.keys(waiting)) {
      expect(await page.locator(`[data-system="${id}"] [data-task-waiting]`).textContent(), id).toBe(nl('dpo.tasks.waitingForErasure'));
    }
    expect(await page.locator('[data-system="customer-database"] h3').textContent()).toBe('Klantendatabase');
    expect(await page.locator('[data-system="recipient:polder-support"] [data-task-status-text]').textContent()).toContain(nl('dpo.tasks.statuses.pending'));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(webhookActions).toEqual([]);
    expect(customerRows()).toEqual(before);
    expect(await outboxMessagesTo(outbox, archiveOwner)).toEqual([]);
    if (process.env.SHOTS) await page.locator('[data-tasks]').screenshot({ path: '.shots/dpo-erasure-waiting.png' });

    // Review, then execute: the confirm box is required; refused beside it, in Dutch, without it.
    await page.locator('#erase form[method="get"] button').click();
    await page.waitForURL('**erase=review**');
    await page.locator('#erase form[method="post"] button[type="submit"]').click();
    expect(await page.locator('#erase [data-field="confirm"] .field__error').textContent()).toBe(nl('dpo.request.errors.confirm'));
    expect(webhookActions).toEqual([]);
    await page.locator('#erase input[name="confirm"]').check();
    await page.locator('#erase form[method="post"] button[type="submit"]').click();
    await page.waitForURL('**?done=erase#result');
    expect(await page.locator('[data-done="erase"]').textContent()).toBe(nl('dpo.request.done.erase'));

    // The sql and webhook tasks and the three notices finish on their own; the manual task waits for its owner.
    await expect
      .poll(async () => await reloadedTaskStatuses(page), { timeout: 15_000, interval: 300 })
      .toEqual({
        ...Object.fromEntries(Object.keys(waiting).map((id) => [id, 'done'])),
        'contract-archive': 'pending',
      });
    expect(webhookActions).toEqual(['erase']);
    expect(await page.locator('[data-task-waiting]').count()).toBe(0);
    // Each statement's count beside the DPO's words for it (its label, else its table's), not the database's names.
    expect(await page.locator('[data-system="customer-database"] [data-task-result] p').allTextContents()).toEqual([
      nl('dpo.tasks.tableRows', { table: 'Supportverzoeken', rows: nl('dpo.tasks.rows', { count: 2 }) }),
      nl('dpo.tasks.tableRows', { table: 'Mailboxen', rows: nl('dpo.tasks.rows', { count: 2 }) }),
      nl('dpo.tasks.tableRows', { table: 'Klantaccount (geanonimiseerd)', rows: nl('dpo.tasks.rows', { count: 1 }) }),
    ]);
    expect(await page.locator('[data-system="login-history"] [data-task-result] p').allTextContents()).toEqual([
      nl('dpo.tasks.tableRows', { table: 'logins', rows: nl('dpo.tasks.rows', { count: 3 }) }),
      nl('dpo.tasks.tableRows', { table: 'sessions', rows: nl('dpo.tasks.rows', { count: 1 }) }),
    ]);
    for (const processor of organisation.processors) {
      expect(await page.locator(`[data-system="recipient:${processor.id}"] [data-task-result] p`).allTextContents()).toEqual([nl('dpo.tasks.notified')]);
    }
    expect(await page.locator('[data-system="contract-archive"] [data-task-link-sent]').textContent()).toContain(archiveOwner);
    expect(await page.locator('[data-erased]').textContent()).toMatch(/^.+\S.*$/);

    // The customer database really lost the rows: tickets and mailboxes gone, the customer row anonymised as the
    // shipped statement does; the invoices (kept by law) stay.
    const after = customerRows();
    expect(after.tickets).toBe(0);
    expect(after.mailboxes).toBe(0);
    expect(after.invoices).toBe(before.invoices);
    expect(after.customer).toMatchObject({ full_name: 'erased', email: null, phone: null, street: null, postal_code: null, city: null });
    expect(after.customer?.erased_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Each processor's Art. 19 mail, in its own language.
    for (const processor of organisation.processors) {
      const mail = await waitForMessageTo(outbox, processor.email);
      expect(await outboxMessagesTo(outbox, processor.email), processor.id).toHaveLength(1);
      expect(mail.headerBlock, processor.id).toMatch(new RegExp(`^Content-Language: ${processor.locale}$`, 'm'));
      expect(mail.subject, processor.id).toContain(reference);
      expect(mail.text, processor.id).toContain(walkthroughEmail);
    }
    const polish = await waitForMessageTo(outbox, 'iod@vistula-payments.example');
    expect(polish.subject).toBe(`Usunięcie danych osoby, której dane dotyczą (art. 19 RODO) — żądanie ${reference}`);
    expect((await waitForMessageTo(outbox, 'privacy@poldersupport.example')).text).toContain('artikel 19 AVG');

    // The archive's owner: the mail in Bulgarian, their link; they confirm with a note, JavaScript off.
    const ownerMail = await waitForMessageTo(outbox, archiveOwner);
    expect(ownerMail.headerBlock).toMatch(/^Content-Language: bg$/m);
    expect(ownerMail.subject).toContain('Архив на договорите');
    expect(ownerMail.subject).toContain(reference);
    expect(ownerMail.text).toContain('Maria Ivanova');
    expect(ownerMail.text).toContain(bg('ownerTask.todo.erase', { system: 'Архив на договорите' }));
    const ownerLink = /https?:\/\/\S+\/bg\/tasks\/\d+\?token=[\w%-]+/.exec(ownerMail.text)?.[0] ?? '';
    expect(ownerLink).not.toBe('');
    const owner = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    owner.setDefaultTimeout(10_000);
    const ownerPage = await owner.newPage();
    expect((await ownerPage.goto(ownerLink))?.status()).toBe(200);
    expect(await ownerPage.locator('h1').textContent()).toBe(bg('ownerTask.title', { system: 'Архив на договорите' }));
    expect(await ownerPage.locator('[data-reference]').textContent()).toBe(reference);
    expect(await ownerPage.locator('html').getAttribute('lang')).toBe('bg');
    const note = 'Двата договора на клиентката са унищожени на 7 декември.';
    await ownerPage.fill('#confirm-note', note);
    const [answer] = await Promise.all([
      ownerPage.waitForResponse((response) => response.request().method() === 'POST'),
      ownerPage.locator('form[data-owner-form="confirmed"] button[type="submit"]').click(),
    ]);
    await ownerPage.waitForLoadState();
    expect(answer.status()).toBe(200);
    expect(await ownerPage.locator('h1').textContent()).toBe(bg('ownerTask.thanks.title'));
    expect(await ownerPage.locator('[data-owner-task="thanks"] p').first().textContent()).toBe(bg('ownerTask.thanks.confirmed', { reference }));
    await owner.close();

    // The DPO sees every task done, the owner's note with it; the trail holds the tasks' events.
    await expect
      .poll(async () => await reloadedTaskStatuses(page), { timeout: 10_000, interval: 300 })
      .toEqual(Object.fromEntries(Object.keys(waiting).map((id) => [id, 'done'])));
    expect(await page.locator('[data-system="contract-archive"] [data-task-result] p').allTextContents()).toEqual([nl('dpo.tasks.confirmed', { note })]);
    const trail = await page.locator('[data-trail] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')));
    expect(trail.filter((kind) => kind === 'task-done')).toHaveLength(6);
    expect(trail).toContain('task-waiting');
    expect(trail).toContain('erased');
    const trailText = (await page.locator('[data-trail]').textContent()) ?? '';
    expect(trailText).not.toContain(walkthroughEmail);

    // axe on the same page with JavaScript (axe runs in the page); the tasks at both widths.
    const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
    const twinPage = await twin.newPage();
    await twinPage.goto(page.url());
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await twinPage.locator('[data-tasks]').screenshot({ path: '.shots/dpo-erasure-tasks-1280.png' });
    await twinPage.setViewportSize({ width: 390, height: 900 });
    expect(await twinPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    if (process.env.SHOTS) await twinPage.locator('[data-tasks]').screenshot({ path: '.shots/dpo-erasure-tasks-390.png' });
    await twin.close();

    // Completing: no open task, so no reason asked; the Polish requester hears it in Polish.
    await page.locator('form[data-action="complete"] textarea[name="message"]').fill('Usunęliśmy Pani dane ze wszystkich systemów.');
    await page.locator('form[data-action="complete"] button').click();
    await page.waitForURL('**?done=complete**');
    expect(await page.locator('[data-done="complete"]').textContent()).toBe(nl('dpo.request.done.complete'));
    await expect.poll(async () => (await outboxMessagesTo(outbox, walkthroughEmail)).length, { timeout: 10_000 }).toBe(requesterMailsBefore + 1);
    const done = (await outboxMessagesTo(outbox, walkthroughEmail)).at(-1);
    expect(done?.headerBlock).toMatch(/^Content-Language: pl$/m);
    expect(done?.subject).toContain(reference);
    expect(done?.text).toContain('Usunęliśmy Pani dane ze wszystkich systemów.');
    expect(done?.text).not.toContain(pl('dpo.tasks.waitingForErasure'));
    await context.close();
  });
});
