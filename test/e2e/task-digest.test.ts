// `npm run dpo:reminders` with open tasks in the systems, against a portal database of its own: the DPO's digest lists
// them with their links, each system owner gets one mail in their language (the manual system's owner with the private
// link to the task page), and nobody's address reaches the script's output.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRow } from '../../db/rows.ts';
import { daysLeftText, deadlineState, localDate } from '../../src/lib/deadline.ts';
import type { Store } from '../../db/store.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, type RequestType } from '../../src/lib/requests.ts';
import { ownerTaskToken } from '../../src/lib/systems/owner-token.ts';
import { readSystemsRegister } from '../../src/lib/systems/register.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { claimDueTasks, recordAttempt, tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { migrateFor, root } from '../../scripts/support/server-process.ts';
import { createDpoAccount } from './dpo-account.ts';
import { outboxMessagesTo, type ReadMessage } from './mail.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { runScript, translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-task-digest-'));
const outbox = join(dataDir, 'outbox');
const register = join(dataDir, 'systems.json');
const day = 86_400_000;
const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(root, 'content/organisation.json'), 'utf8')));
const shipped = JSON.parse(readFileSync(join(root, 'content/systems.json'), 'utf8')) as { systems: Record<string, unknown>[] };
const shippedSystem = (id: string) => shipped.systems.find((system) => system.id === id) ?? {};
let database: TestStoreEnvironment;
let portal: RunningPortal;
let env: Record<string, string>;
let store: Store;
const seeded: { access?: RequestRow; erasure?: RequestRow; manualTask?: number } = {};

/** A request received `daysAgo` days ago, verified and started by the DPO that day (its tasks planned then). */
async function startedRequest(type: RequestType, daysAgo: number, email: string): Promise<RequestRow> {
  const received = Date.now() - daysAgo * day;
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({
      type,
      locale: 'el',
      name: 'Ελένη Γεωργίου',
      email,
      declaration: true,
      ...(type === 'erasure' ? { scope: 'Όλα', grounds: 'Δεν είμαι πια πελάτισσα' } : { details: 'Όλα όσα τηρείτε για μένα' }),
    }),
    now: received,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received)).ok).toBe(true);
  const systems = readSystemsRegister(register, env);
  const planned = planTasks(type, systems, organisation.processors);
  const today = new Date(received).toISOString().slice(0, 10);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today } }, 'dpo:test', received + 1000)).ok).toBe(true);
  return request;
}

beforeAll(async () => {
  writeFileSync(
    register,
    JSON.stringify({
      systems: [
        { ...shippedSystem('customer-database'), url: { env: 'TEST_CUSTOMERS_URL' }, readUrl: { env: 'TEST_CUSTOMERS_URL' } },
        { ...shippedSystem('login-history'), url: 'http://127.0.0.1:9/login-history', secret: { env: 'TEST_LOGIN_HISTORY_SECRET' } },
        shippedSystem('contract-archive'),
      ],
    }),
  );
  database = await testStoreEnvironment(dataDir);
  env = {
    ...database.env,
    PORTAL_SECRET: database.env.PORTAL_SECRET ?? 'task-digest-portal-secret-for-this-test-0123456789',
    OUTBOX_DIR: outbox,
    SYSTEMS_FILE: register,
    TEST_CUSTOMERS_URL: `sqlite:${join(dataDir, 'customers.db')}`,
    TEST_LOGIN_HISTORY_SECRET: 'login-history-secret-for-this-test-only-0123',
  };
  // Seeded before the portal starts, so that its task runner takes none of these tasks: none is due for it afterwards.
  migrateFor(env);
  store = database.store();

  // An access request 25 days old: its tasks were due two days ago. The database failed and retries in ten days, the
  // webhook system failed for good, the manual system's owner was sent their link (as the manual connector does).
  seeded.access = await startedRequest('access', 25, 'eleni.digest@example.gr');
  const now = Date.now();
  for (const task of await claimDueTasks(store, now, 60_000, 10, ['sql', 'webhook', 'manual'])) {
    const expiresAt = now + 30 * day;
    const outcome =
      task.channel === 'manual'
        ? { kind: 'waiting' as const, tokenHash: hashToken(ownerTaskToken(env.PORTAL_SECRET ?? '', task.id, expiresAt)), tokenExpiresAt: expiresAt }
        : { kind: 'failed' as const, error: { code: task.channel === 'sql' ? ('timeout' as const) : ('unreachable' as const) }, retryable: true };
    const retryDelayMs = task.channel === 'sql' ? 10 * day : undefined;
    expect(await recordAttempt(store, { task, outcome, now, facts: {}, retryDelayMs })).toBe(true);
    if (task.channel === 'manual') seeded.manualTask = task.id;
  }
  // An erasure started but not executed: its tasks wait for the DPO and are nobody's business yet.
  seeded.erasure = await startedRequest('erasure', 3, 'nikos.digest@example.gr');
  createDpoAccount('magda.digest@ostria.example', 'pl', { env });
  portal = await startPortal(env);
  env.PUBLIC_URL = portal.baseURL;
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const onlyMessageTo = async (to: string): Promise<ReadMessage> => {
  const messages = await outboxMessagesTo(outbox, to);
  expect(messages, `messages to ${to}`).toHaveLength(1);
  return messages[0] as ReadMessage;
};

describe('npm run dpo:reminders with open tasks', () => {
  test('the DPO gets the open tasks with their links; each owner one mail in their language; the manual owner their private link', async () => {
    const access = seeded.access as RequestRow;
    const erasure = seeded.erasure as RequestRow;
    const result = runScript('scripts/dpo-reminders.ts', [], env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Reminder sent to 1 of 1 DPO accounts');
    expect(result.stdout).toContain(', 3 open tasks (');
    expect(result.stdout).toContain('Task digest sent to 3 of 3 system owners.');
    expect(`${result.stdout}${result.stderr}`).not.toContain('@');
    if (process.env.SHOTS) cpSync(outbox, '.shots/task-digest-outbox', { recursive: true });

    // The DPO, in Polish: the access request due soon, linked; its three tasks, overdue, each linked to the request's tasks.
    const pl = translate('pl');
    const dpoMail = await onlyMessageTo('magda.digest@ostria.example');
    expect(dpoMail.subject).toBe(
      pl('taskDigest.dpo.subjectBoth', { requests: pl('taskDigest.dpo.requests', { count: 1 }), tasks: pl('taskDigest.dpo.tasks', { count: 3 }) }),
    );
    const lines = dpoMail.text.split('\n\n');
    const section = lines.slice(lines.indexOf(`${pl('taskDigest.dpo.title')}:`));
    expect(section.filter((line) => line.startsWith('• '))).toHaveLength(3);
    expect(section.filter((line) => line === `${portal.baseURL}/dpo/requests/${access.reference}#tasks`)).toHaveLength(3);
    expect(section.join('\n')).not.toContain(erasure.reference);
    expect(section.join('\n')).toContain(
      pl('taskDigest.dpo.statusWithError', { status: pl('dpo.tasks.statuses.failed'), error: pl('dpo.tasks.errors.unreachable') }),
    );
    // The database's task is pending again after a timeout: the DPO reads why it is being retried.
    expect(section.join('\n')).toContain(
      pl('taskDigest.dpo.statusWithError', { status: pl('dpo.tasks.statuses.pending'), error: pl('dpo.tasks.errors.timeout') }),
    );
    const tasks = await store.read((db) => tasksOf(db, access.id));
    const state = deadlineState(tasks[0]?.dueOn ?? '', localDate(Date.now(), organisation.timeZone));
    expect(state.overdue).toBe(true);
    const overdue = daysLeftText(state, pl);
    expect(section.filter((line) => line.startsWith('• ') && line.endsWith(overdue))).toHaveLength(3);
    expect(lines[lines.indexOf(`${pl('dpo.email.digestDueSoon')}:`) + 2]).toBe(`${portal.baseURL}/dpo/requests/${access.reference}`);
    expect(lines.at(-3)).toBe(`${portal.baseURL}/dpo?status=open`);

    // The webhook's owner, in Dutch: it could not be reached, and to tell the DPO once it is fixed.
    const nl = translate('nl');
    const webhookOwner = await onlyMessageTo('security@ostria.example');
    expect(webhookOwner.subject).toBe(nl('taskDigest.owner.subject', { count: 1 }));
    expect(webhookOwner.text).toContain(
      nl('taskDigest.owner.unreachable', { system: 'Aanmeldgeschiedenis', reason: nl('dpo.tasks.errors.unreachable'), dpoEmail: organisation.dpo.email }),
    );
    // The database's owner, in Greek: it is being retried.
    const el = translate('el');
    const databaseOwner = await onlyMessageTo('it@ostria.example');
    expect(databaseOwner.text).toContain(
      el('taskDigest.owner.unreachableRetrying', {
        system: 'Βάση δεδομένων πελατών',
        reason: el('dpo.tasks.errors.timeout'),
        dpoEmail: organisation.dpo.email,
      }),
    );

    // The manual system's owner, in Bulgarian: what to do and their private link, whose token is the one the task holds.
    const bg = translate('bg');
    const manualOwner = await onlyMessageTo('archive@ostria.example');
    expect(manualOwner.subject).toBe(bg('taskDigest.owner.subject', { count: 1 }));
    expect(manualOwner.headerBlock).toMatch(/^Content-Language: bg$/im);
    expect(manualOwner.headerBlock).toMatch(/^Auto-Submitted: auto-generated$/im);
    expect(manualOwner.text).toContain(bg('taskDigest.owner.todo.collect', { system: 'Архив на договорите' }));
    expect(manualOwner.text).toContain(access.reference);
    const link = new RegExp(`${portal.baseURL}/bg/tasks/${seeded.manualTask}\\?token=[\\w%-]+`).exec(manualOwner.text)?.[0] ?? '';
    expect(link).not.toBe('');
    const token = new URL(link).searchParams.get('token') ?? '';
    const manualRow = tasks.find((task) => task.channel === 'manual');
    expect(hashToken(token)).toBe(manualRow?.tokenHash);
    // The owner's task page arrives with the manual systems' channel; once it is there, the link opens it.
    if (existsSync(join(root, 'src/pages/[locale]/tasks/[task].astro'))) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html lang="bg"');
    }
  });

  test('with no request due soon but tasks open, the DPO still gets the digest, about the tasks', async () => {
    const access = seeded.access as RequestRow;
    const extended = await takeAction(
      store,
      access.reference,
      { action: 'extend', months: 1, reason: 'Het archief staat op band', timeZone: organisation.timeZone },
      'dpo:test',
      Date.now(),
    );
    expect(extended.ok).toBe(true);
    const result = runScript('scripts/dpo-reminders.ts', [], env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('0 overdue, 0 due within 7 days, 3 open tasks');
    const pl = translate('pl');
    const digest = (await outboxMessagesTo(outbox, 'magda.digest@ostria.example')).at(-1);
    expect(digest?.subject).toBe(pl('taskDigest.dpo.subjectTasks', { count: 3 }));
    expect(digest?.text).toContain(`${pl('taskDigest.dpo.title')}:`);
    expect(digest?.text).toContain(`${portal.baseURL}/dpo/requests/${access.reference}#tasks`);
  });
});
