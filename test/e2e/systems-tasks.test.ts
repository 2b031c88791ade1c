// An access request answered from the systems that hold the person's data, as a DPO works it with JavaScript off:
// the sample company's customer database (SQLite, the register's own statements) and a webhook system (a real HTTP
// server in the test) each get a task when the request is started; the DPO sees them finish, sees a system that is
// down fail with its reason in the DPO's language, retries it once it is back, completes, and the requester downloads
// one package holding every system's data, with the readable document in their language.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureSampleCustomerDatabase } from '../../scripts/support/sample-company.ts';
import { walkthroughEmail } from '../../scripts/support/sample-customers.ts';
import { verifySignature } from '../../src/lib/systems/webhook-signature.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { reloadedTaskStatuses, signInOnPage } from './dpo-steps.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-systems-'));
const outbox = join(dataDir, 'outbox');
const secret = 'login-history-secret-for-this-test-only-0123';
let webhookUp = false;
let server: Server;
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;

const shipped = JSON.parse(readFileSync('content/systems.json', 'utf8')) as { systems: Record<string, unknown>[] };
const customerDatabase = shipped.systems.find((system) => system.id === 'customer-database');
const loginHistory = shipped.systems.find((system) => system.id === 'login-history');

beforeAll(async () => {
  // The login-history system: down (503) until the test brings it back; then the requester's logins at once.
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
      if (!webhookUp) return void response.writeHead(503).end();
      const message = JSON.parse(body) as { identifiers: { email: string | null } };
      const rows = message.identifiers.email === walkthroughEmail ? [['2026-11-30T08:12:00Z', 'webmail', '203.0.113.0/24']] : [];
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ tables: [{ name: 'logins', columns: ['at', 'service', 'network'], rows }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const customers = join(dataDir, 'customers.db');
  ensureSampleCustomerDatabase(customers);
  const register = join(dataDir, 'systems.json');
  writeFileSync(
    register,
    JSON.stringify({
      systems: [
        { ...customerDatabase, url: { env: 'TEST_CUSTOMERS_URL' }, readUrl: { env: 'TEST_CUSTOMERS_URL' } },
        { ...loginHistory, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login-history`, secret: { env: 'TEST_LOGIN_HISTORY_SECRET' } },
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

describe.skipIf(!hasBrowser)('an access request reaches every system', () => {
  test('without JavaScript, a Polish-speaking DPO and a Greek requester: tasks, a failure and its retry, one package', async () => {
    const account = createDpoAccount('magda.dpo@ostria.example', 'pl', { env: database.env });
    const pl = translate('pl');
    const submitted = await fetch(`${portal.baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'access',
        locale: 'el',
        name: 'Ελένη Γεωργίου',
        email: walkthroughEmail,
        details: 'Όλα όσα τηρείτε για μένα',
        declaration: true,
      }),
    });
    expect(submitted.status).toBe(201);
    const { reference } = (await submitted.json()) as { reference: string };
    const mail = await waitForMessageTo(outbox, walkthroughEmail);
    const statusLink = /https?:\/\/\S+\/el\/requests\/DSR-\S+token=[\w-]+/.exec(mail.text)?.[0].replace(/&verify=.*$/, '') ?? '';

    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInOnPage(page, account);
    await page.goto(`/dpo/requests/${reference}`);
    expect(await page.locator('[data-no-tasks]').textContent()).toBe(pl('dpo.tasks.none'));
    await page.locator('form[data-action="verify"] select').selectOption('customer-account');
    await page.locator('form[data-action="verify"] button').click();
    await page.waitForURL('**?done=verify#result');
    await page.locator('form[data-action="start"] button').click();
    await page.waitForURL('**?done=start#result');

    // The database answers at once; the webhook system is down: tried again after 300 ms, then failed.
    await expect
      .poll(async () => await reloadedTaskStatuses(page), { timeout: 15_000, interval: 300 })
      .toEqual({ 'customer-database': 'done', 'login-history': 'failed' });
    const database_ = page.locator('[data-system="customer-database"]');
    expect(await database_.locator('h3').textContent()).toBe('Baza danych klientów');
    expect(await database_.locator('[data-task-result] p').allTextContents()).toEqual([
      pl('dpo.tasks.tableRows', { table: 'Konto klienta', rows: pl('dpo.tasks.rows', { count: 1 }) }),
      pl('dpo.tasks.tableRows', { table: 'Faktury', rows: pl('dpo.tasks.rows', { count: 2 }) }),
      pl('dpo.tasks.tableRows', { table: 'Skrzynki pocztowe', rows: pl('dpo.tasks.rows', { count: 2 }) }),
      pl('dpo.tasks.tableRows', { table: 'Zgłoszenia do pomocy technicznej', rows: pl('dpo.tasks.rows', { count: 2 }) }),
    ]);
    const failed = page.locator('[data-system="login-history"]');
    expect(await failed.locator('[data-task-error="httpStatus"] p').first().textContent()).toBe(pl('dpo.tasks.errors.httpStatus'));
    expect(await failed.locator('[data-task-status-text]').textContent()).toContain(pl('dpo.tasks.attempts', { count: 2 }));

    // Completing while a task is open is refused until the DPO says why; instead the system comes back and is retried.
    await page.locator('form[data-action="complete"] textarea[name="message"]').fill('Przesyłamy Pani dane.');
    await page.locator('form[data-action="complete"] button').click();
    expect(await page.locator('[data-conflict="openTasks"]').count()).toBe(1);
    webhookUp = true;
    await failed.locator('form[data-task-action="retry"] button').click();
    await page.waitForURL('**?taskDone=retried#tasks');
    await expect
      .poll(async () => await reloadedTaskStatuses(page), { timeout: 15_000, interval: 300 })
      .toEqual({ 'customer-database': 'done', 'login-history': 'done' });
    const trail = await page.locator('[data-trail] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')));
    expect(trail.filter((kind) => kind === 'task-attempt')).toHaveLength(4);
    expect(trail).toContain('task-retried');

    const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
    const twinPage = await twin.newPage();
    await twinPage.goto(page.url());
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await twinPage.locator('[data-tasks]').screenshot({ path: '.shots/dpo-tasks-1280.png' });
    await twinPage.setViewportSize({ width: 390, height: 900 });
    if (process.env.SHOTS) await twinPage.locator('[data-tasks]').screenshot({ path: '.shots/dpo-tasks-390.png' });
    expect(await twinPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await twin.close();

    await page.locator('form[data-action="complete"] textarea[name="message"]').fill('Przesyłamy Pani dane.');
    await page.locator('form[data-action="complete"] button').click();
    await page.waitForURL('**?done=complete**');

    // The requester's package: both systems' tables in data.json, the document in Greek.
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const statusPage = await requester.newPage();
    await statusPage.goto(statusLink);
    expect(await statusPage.locator('[data-export] a').textContent()).toBe(translate('el')('requests.status.exportDownloadPackage'));
    const download = await requester.request.get((await statusPage.locator('[data-export] a').getAttribute('href')) ?? '');
    expect(download.headers()['content-type'], `${download.status()} ${await download.text()}`).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await download.body()));
    const data = JSON.parse(strFromU8(entries['data.json'] ?? new Uint8Array())) as {
      systems: { system: string; tables: { name: string; rows: unknown[][] }[] }[];
    };
    const tables = Object.fromEntries(data.systems.flatMap((section) => section.tables.map((table) => [`${section.system}/${table.name}`, table.rows.length])));
    expect(tables).toEqual({
      'customer-database/customers': 1,
      'customer-database/invoices': 2,
      'customer-database/mailboxes': 2,
      'customer-database/support-tickets': 2,
      'login-history/logins': 1,
    });
    const html = strFromU8(entries['index.html'] ?? new Uint8Array());
    expect(html).toContain('<html lang="el">');
    expect(html).toContain('Βάση δεδομένων πελατών');
    expect(html).toContain('Ιστορικό συνδέσεων');
    expect(html).toContain('Δεν λαμβάνω email στο κινητό');
    if (process.env.SHOTS) {
      const documentPage = await requester.newPage();
      await documentPage.setContent(html);
      await documentPage.screenshot({ path: '.shots/package-el.png', fullPage: true });
    }
    await requester.close();
    await context.close();
  });
});
