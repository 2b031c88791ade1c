// Every way a webhook system can fail an access request, as a Bulgarian-speaking DPO and a Dutch requester see it
// with JavaScript off: a system that hangs up, is down, slow (past its timeout), answers garbage, answers more than
// its size limit or refuses the portal's signature fails its task with that reason in the DPO's language, nothing of
// it reaches the requester, and a retry works once the system is back. A system that answers later (202) posts its result to the
// callback: a wrong, expired or reused token and a bad or stale signature are refused and recorded in the request's trail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signBody, verifySignature } from '../../src/lib/systems/webhook-signature.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, type DpoAccount } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { signInOnPage, verifyAndStart } from './dpo-steps.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

type Mode = 'hangsUp' | 'down' | 'slow' | 'garbage' | 'tooLarge' | 'rejects' | 'ok' | 'accepted';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-faults-'));
const outbox = join(dataDir, 'outbox');
const secret = 'faulty-system-secret-for-this-test-only-0123';
const timeoutMs = 400;
const maxBytes = 2048;
/** A value only the faulty answers carry: none of it may reach the requester or the DPO's task. */
const partial = 'PARTIAL-ANSWER-7f3a';
let mode: Mode = 'hangsUp';
/** The messages the portal sent, by request reference (the last one wins). */
const received = new Map<string, { task: number; callback: { url: string; token: string; expiresAt: string } }>();
let server: Server;
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;
let account: DpoAccount;
const bg = translate('bg');
const nl = translate('nl');

const shipped = JSON.parse(readFileSync('content/systems.json', 'utf8')) as { systems: Record<string, unknown>[] };
const loginHistory = shipped.systems.find((system) => system.id === 'login-history');

const okAnswer = JSON.stringify({
  tables: [{ name: 'logins', columns: ['at', 'service', 'network'], rows: [['2026-11-30T08:12:00Z', 'webmail', '203.0.113.0/24']] }],
});

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      // The system refuses the portal's signature (as one whose secret was changed on its side does).
      if (mode === 'rejects') return void response.writeHead(401).end();
      const refused = verifySignature(
        secret,
        request.headers['x-portal-timestamp'] as string,
        request.headers['x-portal-signature'] as string,
        body,
        Date.now(),
      );
      if (refused) return void response.writeHead(400).end();
      const message = JSON.parse(body) as { task: number; request: { reference: string }; callback: { url: string; token: string; expiresAt: string } };
      received.set(message.request.reference, message);
      const json = { 'Content-Type': 'application/json' };
      switch (mode) {
        case 'hangsUp':
          return void request.socket.destroy();
        case 'down':
          return void response.writeHead(503).end();
        case 'slow': {
          const late = setTimeout(() => response.writeHead(200, json).end(okAnswer), timeoutMs * 3);
          response.on('close', () => clearTimeout(late));
          return;
        }
        case 'garbage':
          return void response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<html><body>Maintenance ${partial}</body></html>`);
        case 'tooLarge':
          return void response.writeHead(200, json).end(
            JSON.stringify({
              tables: [{ name: 'logins', columns: ['at', 'service', 'network'], rows: [['2026-11-30T08:12:00Z', partial.repeat(200), 'x']] }],
            }),
          );
        case 'ok':
          return void response.writeHead(200, json).end(okAnswer);
        case 'accepted':
          return void response.writeHead(202).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const register = join(dataDir, 'systems.json');
  writeFileSync(
    register,
    JSON.stringify({
      systems: [
        {
          ...loginHistory,
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login-history`,
          secret: { env: 'TEST_LOGIN_HISTORY_SECRET' },
          timeoutMs,
          maxBytes,
        },
      ],
    }),
  );
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: outbox,
    SYSTEMS_FILE: register,
    TEST_LOGIN_HISTORY_SECRET: secret,
    TASK_RETRY_DELAYS_MS: '200',
  });
  account = createDpoAccount('desislava.dpo@ostria.example', 'bg', { env: database.env });
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

/** The task's status as the page shows it after a reload (read from the HTML: JavaScript is off). */
async function reloadedStatus(page: Page): Promise<string | null> {
  await page.reload();
  return page.locator('[data-tasks] [data-task]').first().getAttribute('data-task-status');
}

/** A Dutch access request, sent to the API; its reference and the requester's status link from the email. */
async function submitRequest(email: string): Promise<{ reference: string; statusLink: string }> {
  const submitted = await fetch(`${portal.baseURL}/api/requests`, {
    method: 'POST',
    body: JSON.stringify({ type: 'access', locale: 'nl', name: 'Sanne de Vries', email, details: 'Alles wat u over mij bewaart', declaration: true }),
  });
  expect(submitted.status).toBe(201);
  const { reference } = (await submitted.json()) as { reference: string };
  const mail = await waitForMessageTo(outbox, email);
  const statusLink = /https?:\/\/\S+\/nl\/requests\/DSR-\S+token=[\w-]+/.exec(mail.text)?.[0].replace(/&verify=.*$/, '') ?? '';
  expect(statusLink).not.toBe('');
  return { reference, statusLink };
}

/** The DPO signed in (JavaScript off) on the request's page, the requester verified by their customer account, tasks started. */
async function startAsDpo(reference: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await signInOnPage(page, account);
  await verifyAndStart(page, reference);
  return { context, page };
}

/** The kinds of the trail's events, oldest first. */
const trailKinds = (page: Page) => page.locator('[data-trail] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')));

describe.skipIf(!hasBrowser)('a webhook system that fails', () => {
  test('hanging up, down, slow, garbage, too large, refusing the signature: the reason in Bulgarian, nothing for the Dutch requester, a retry once it is back', async () => {
    const { reference, statusLink } = await submitRequest('sanne.devries@example.nl');
    const { context, page } = await startAsDpo(reference);
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const statusPage = await requester.newPage();
    const task = page.locator('[data-tasks] [data-task]').first();

    // What each fault comes to: a hang-up, a 503 and a timeout are tried again once (after 200 ms), the others fail at once.
    const faults: { mode: Mode; code: string; attempts: number }[] = [
      { mode: 'hangsUp', code: 'unreachable', attempts: 2 },
      { mode: 'down', code: 'httpStatus', attempts: 2 },
      { mode: 'slow', code: 'timeout', attempts: 2 },
      { mode: 'garbage', code: 'badAnswer', attempts: 1 },
      { mode: 'tooLarge', code: 'tooLarge', attempts: 1 },
      { mode: 'rejects', code: 'signatureRejected', attempts: 1 },
    ];
    for (const [index, fault] of faults.entries()) {
      mode = fault.mode;
      if (index > 0) {
        await task.locator('form[data-task-action="retry"] button').click();
        await page.waitForURL('**?taskDone=retried#tasks');
      }
      await expect.poll(async () => await reloadedStatus(page), { timeout: 15_000, interval: 250, message: fault.mode }).toBe('failed');
      expect(await task.locator('[data-task-error]').getAttribute('data-task-error'), fault.mode).toBe(fault.code);
      expect(await task.locator('[data-task-error] p').first().textContent(), fault.mode).toBe(bg(`dpo.tasks.errors.${fault.code}`));
      expect(await task.locator('[data-task-status-text]').textContent(), fault.mode).toContain(bg('dpo.tasks.attempts', { count: fault.attempts }));
      expect(await task.locator('[data-task-result]').count(), fault.mode).toBe(0);
      expect(await page.locator('main').textContent(), fault.mode).not.toContain(partial);

      // Nothing partial reaches the person: no package, none of the system's data.
      await statusPage.goto(statusLink);
      expect(await statusPage.locator('[data-export]').count(), fault.mode).toBe(0);
      const shown = (await statusPage.locator('main').textContent()) ?? '';
      expect(shown, fault.mode).not.toContain(partial);
      expect(shown, fault.mode).not.toContain('203.0.113.0/24');
    }

    // The DPO's page with a failed task passes axe (in a JavaScript-enabled twin of the DPO's session).
    const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
    const twinPage = await twin.newPage();
    await twinPage.goto(page.url());
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await twinPage.locator('[data-tasks]').screenshot({ path: '.shots/dpo-task-failed-bg.png' });
    await twin.close();

    // The system is back: the retry collects its data.
    mode = 'ok';
    await task.locator('form[data-task-action="retry"] button').click();
    await page.waitForURL('**?taskDone=retried#tasks');
    await expect.poll(async () => await reloadedStatus(page), { timeout: 15_000, interval: 250 }).toBe('done');
    expect(await task.locator('[data-task-error]').count()).toBe(0);
    expect(await task.locator('[data-task-result] p').allTextContents()).toEqual([
      bg('dpo.tasks.tableRows', { table: 'logins', rows: bg('dpo.tasks.rows', { count: 1 }) }),
    ]);
    const trail = await trailKinds(page);
    expect(trail.filter((kind) => kind === 'task-failed')).toHaveLength(faults.length);
    expect(trail.filter((kind) => kind === 'task-retried')).toHaveLength(faults.length);
    expect(trail.filter((kind) => kind === 'task-attempt')).toHaveLength(faults.reduce((sum, fault) => sum + fault.attempts, 0) + 1);

    // The package holds the answer of the attempt that worked, and nothing of the faulty ones.
    await page.locator('form[data-action="complete"] textarea[name="message"]').fill('Hierbij uw gegevens.');
    await page.locator('form[data-action="complete"] button').click();
    await page.waitForURL('**?done=complete**');
    await statusPage.goto(statusLink);
    expect(await statusPage.locator('[data-export] a').textContent()).toBe(nl('requests.status.exportDownloadPackage'));
    const download = await requester.request.get((await statusPage.locator('[data-export] a').getAttribute('href')) ?? '');
    expect(download.headers()['content-type'], `${download.status()}`).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await download.body()));
    const data = strFromU8(entries['data.json'] ?? new Uint8Array());
    const systems = (JSON.parse(data) as { systems: { system: string; tables: { name: string; rows: unknown[][] }[] }[] }).systems;
    expect(systems.map((section) => [section.system, section.tables.map((table) => [table.name, table.rows])])).toEqual([
      ['login-history', [['logins', [['2026-11-30T08:12:00Z', 'webmail', '203.0.113.0/24']]]]],
    ]);
    expect(data).not.toContain(partial);
    expect(strFromU8(entries['index.html'] ?? new Uint8Array())).not.toContain(partial);
    await requester.close();
    await context.close();
  });

  test('a later answer (202) to the callback: a wrong, expired or reused token, a bad or stale signature are refused, shown in the trail with why, and nothing of them kept', async () => {
    mode = 'accepted';
    const { reference, statusLink } = await submitRequest('joost.bakker@example.nl');
    const { context, page } = await startAsDpo(reference);
    await expect.poll(() => received.get(reference)?.callback.token ?? '', { timeout: 15_000, interval: 200 }).not.toBe('');
    const message = received.get(reference);
    if (!message) throw new Error('the system got no message');
    expect(message.callback.url).toBe(`${portal.baseURL}/api/tasks/${message.task}/result`);
    expect(await reloadedStatus(page)).toBe('running');

    const answer = okAnswer;
    // What the refused callbacks carry: nothing of it may be kept or shown.
    const refusedAnswer = JSON.stringify({
      tables: [{ name: 'logins', columns: ['at', 'service', 'network'], rows: [['2026-11-30T09:00:00Z', partial, 'x']] }],
    });
    const post = (token: string, body: string, key = secret, timestamp = Math.floor(Date.now() / 1000)) => {
      return fetch(message.callback.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          'X-Portal-Timestamp': String(timestamp),
          'X-Portal-Signature': signBody(key, timestamp, body),
        },
        body,
      });
    };
    const refusal = async (response: Response) => ({ status: response.status, code: ((await response.json()) as { error?: { code?: string } }).error?.code });

    const wrong = await post('not-the-token-of-this-task-0123456789', refusedAnswer);
    expect(await refusal(wrong)).toEqual({ status: 401, code: 'wrong_token' });

    // Expiry is set when the message is sent (24 hours on); the test moves it into the past behind the portal's back.
    const expiresAt = await database.sql.value<number>('select token_expires_at from request_tasks where id = ?', message.task);
    expect(expiresAt).toBe(Date.parse(message.callback.expiresAt));
    await database.sql.run('update request_tasks set token_expires_at = ? where id = ?', Date.now() - 60_000, message.task);
    const expired = await post(message.callback.token, refusedAnswer);
    expect(await refusal(expired)).toEqual({ status: 410, code: 'token_expired' });
    await database.sql.run('update request_tasks set token_expires_at = ? where id = ?', expiresAt, message.task);

    const forged = await post(message.callback.token, refusedAnswer, 'a-secret-that-is-not-the-systems-0123456789');
    expect(await refusal(forged)).toEqual({ status: 401, code: 'bad_signature' });
    // Signed by the system, but ten minutes ago (a replay).
    const replayed = await post(message.callback.token, refusedAnswer, secret, Math.floor(Date.now() / 1000) - 600);
    expect(await refusal(replayed)).toEqual({ status: 401, code: 'stale_timestamp' });
    // Right token and signature, but not the protocol's JSON, or more than the system's maxBytes: a JSON 4xx, no 5xx.
    const garbled = await post(message.callback.token, `<html>${partial}</html>`);
    expect(await refusal(garbled)).toEqual({ status: 400, code: 'bad_answer' });
    const oversized = await post(message.callback.token, JSON.stringify({ tables: [{ name: 'logins', columns: ['at'], rows: [[partial.repeat(200)]] }] }));
    expect(await refusal(oversized)).toEqual({ status: 413, code: 'too_large' });
    expect(await reloadedStatus(page)).toBe('running');

    const accepted = await post(message.callback.token, answer);
    expect(accepted.status).toBe(204);
    const reused = await post(message.callback.token, refusedAnswer);
    expect(await refusal(reused)).toEqual({ status: 409, code: 'token_used' });

    expect(await reloadedStatus(page)).toBe('done');
    const refusals = page.locator('[data-trail] tbody tr[data-event="task-callback-refused"]');
    expect(await refusals.count()).toBe(5);
    for (const row of await refusals.all()) {
      expect(await row.locator('strong').textContent()).toBe(bg('dpo.request.events.task-callback-refused'));
      expect(await row.locator('[data-actor]').textContent()).toBe(bg('dpo.request.actor.system'));
    }
    // Each refusal says why, in the DPO's language, in the order they came.
    expect(await refusals.evaluateAll((rows) => rows.map((row) => row.querySelector('p:last-of-type')?.textContent))).toEqual(
      ['wrongToken', 'expiredToken', 'badSignature', 'staleTimestamp', 'reusedToken'].map((problem) => bg(`dpo.tasks.callbackProblems.${problem}`)),
    );
    // Nothing of a refused body is kept: the task holds the accepted answer; the requester sees no data until the DPO completes.
    const task = page.locator('[data-tasks] [data-task]').first();
    expect(await task.locator('[data-task-result] p').allTextContents()).toEqual([
      bg('dpo.tasks.tableRows', { table: 'logins', rows: bg('dpo.tasks.rows', { count: 1 }) }),
    ]);
    expect(await page.locator('main').textContent()).not.toContain(partial);
    expect(await database.sql.value<string>('select result from request_tasks where id = ?', message.task)).not.toContain(partial);
    if (process.env.SHOTS) await page.locator('[data-trail]').screenshot({ path: '.shots/dpo-trail-refusals-bg.png' });
    const requester = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const statusPage = await requester.newPage();
    await statusPage.goto(statusLink);
    expect(await statusPage.locator('[data-export]').count()).toBe(0);
    expect(await statusPage.locator('main').textContent()).not.toContain(partial);
    await requester.close();
    await context.close();
  });
});
