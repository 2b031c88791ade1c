import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../content/systems.json' with { type: 'json' };
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, type RequestType } from '../../src/lib/requests.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { openTasksForDigest } from '../../src/lib/systems/task-digest.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { claimDueTasks, markTaskNotApplicable, recordAttempt, tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

const organisation = organisationSchema.parse(organisationSource);
const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const dpo = 'dpo:eleni@ostria.example';
const day = 86_400_000;

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

/** A request received at `received`, verified and started by the DPO an hour later (its tasks planned then). */
async function startedRequest(type: RequestType, received: number) {
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({
      type,
      locale: 'nl',
      name: 'Daan de Vries',
      email: 'daan@example.nl',
      declaration: true,
      details: 'Alles wat u van mij hebt',
      ...(type === 'rectification' ? { inaccurateData: 'Mijn adres', correctData: 'Dorpsstraat 1' } : {}),
      ...(type === 'erasure' || type === 'objection' ? { scope: 'Alles', grounds: 'Geen klant meer' } : {}),
    }),
    now: received,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received)).ok).toBe(true);
  const today = new Date(received).toISOString().slice(0, 10);
  const started = await takeAction(
    store,
    request.reference,
    { action: 'start', tasks: { planned: planTasks(type, systems, organisation.processors), today } },
    dpo,
    received + 3_600_000,
  );
  expect(started.ok).toBe(true);
  return request;
}

/** What the digest lists, one line each: request, system, status, task due date, overdue flag. */
const listed = async (today: string) =>
  (await openTasksForDigest(store.db, today)).map((entry) => [entry.reference, entry.task.system, entry.task.status, entry.task.dueOn, entry.overdue]);

describe('openTasksForDigest()', () => {
  test('leaves out an erasure’s tasks while they wait for the DPO to execute it, then lists every one', async () => {
    const received = Date.parse('2026-11-20T10:15:00Z');
    const request = await startedRequest('erasure', received);
    expect(await tasksOf(store.db, request.id)).toHaveLength(systems.length + organisation.processors.length);
    expect(await openTasksForDigest(store.db, '2026-11-21')).toEqual([]);

    expect((await takeAction(store, request.reference, { action: 'erase' }, dpo, received + 2 * 3_600_000)).ok).toBe(true);
    const entries = await openTasksForDigest(store.db, '2026-11-21');
    expect(entries.map((entry) => entry.task.system)).toEqual([
      ...systems.map((system) => system.id),
      ...organisation.processors.map((processor) => `recipient:${processor.id}`),
    ]);
    expect(entries.every((entry) => entry.reference === request.reference && entry.requestType === 'erasure' && !entry.overdue)).toBe(true);
  });

  test('lists pending, running and failed tasks by their due date with their request, leaves out done and not applicable, flags the overdue', async () => {
    // The later request's tasks are due on 13 December, the earlier one's on 3 December.
    const later = await startedRequest('access', Date.parse('2026-11-20T10:15:00Z'));
    const earlier = await startedRequest('restriction', Date.parse('2026-11-10T10:15:00Z'));
    const now = Date.parse('2026-11-20T12:00:00Z');
    // The runner takes the database and webhook tasks of both: the access request's database answers, its webhook is
    // down (failed), the restriction's database is held (running), its webhook answers; the manual tasks wait.
    for (const task of await claimDueTasks(store, now, 60_000, 20, ['sql', 'webhook'])) {
      if (task.requestId === earlier.id && task.channel === 'sql') continue;
      const outcome =
        task.requestId === later.id && task.channel === 'webhook'
          ? { kind: 'failed' as const, error: { code: 'unreachable' as const }, retryable: false }
          : { kind: 'done' as const, result: { kind: 'collected' as const, tables: [], collectedAt: now } };
      expect(await recordAttempt(store, { task, outcome, now, facts: {}, retryDelayMs: undefined })).toBe(true);
    }
    const earlierManual = (await tasksOf(store.db, earlier.id)).find((task) => task.channel === 'manual');
    expect(await markTaskNotApplicable(store, earlierManual?.id ?? 0, 'Geen contracten', dpo, now)).toBeDefined();

    expect(await listed('2026-12-03')).toEqual([
      [earlier.reference, 'customer-database', 'running', '2026-12-03', false],
      [later.reference, 'login-history', 'failed', '2026-12-13', false],
      [later.reference, 'contract-archive', 'pending', '2026-12-13', false],
    ]);
    // The day after a task's due date it is overdue; a task due today is not.
    expect((await listed('2026-12-04')).map((line) => line[4])).toEqual([true, false, false]);
    expect((await listed('2026-12-14')).map((line) => line[4])).toEqual([true, true, true]);

    const [first, second] = await openTasksForDigest(store.db, '2026-12-04');
    expect(first).toMatchObject({ requestType: 'restriction', requestDueOn: '2026-12-10' });
    expect(second).toMatchObject({ requestType: 'access', requestDueOn: '2026-12-20', task: { error: JSON.stringify({ code: 'unreachable' }) } });
  });

  test('a manual task handed to its owner (waiting, with its link) stays listed, with the token’s hash and expiry', async () => {
    const received = Date.parse('2026-11-20T10:15:00Z');
    const request = await startedRequest('access', received);
    const now = received + 2 * 3_600_000;
    const [task] = await claimDueTasks(store, now, 60_000, 1, ['manual']);
    if (!task) throw new Error('no manual task claimed');
    const waiting = { kind: 'waiting' as const, tokenHash: hashToken('owner-token'), tokenExpiresAt: now + 45 * day };
    expect(await recordAttempt(store, { task, outcome: waiting, now, facts: {}, retryDelayMs: undefined })).toBe(true);
    const manual = (await openTasksForDigest(store.db, '2026-11-21')).find((entry) => entry.task.channel === 'manual');
    expect(manual).toMatchObject({
      reference: request.reference,
      task: { status: 'pending', attempts: 1, tokenHash: hashToken('owner-token'), tokenExpiresAt: now + 45 * day },
    });
  });

  test('leaves out the tasks a closed request no longer needs: collecting for an answered one, anything for a rejected one', async () => {
    const received = Date.parse('2026-11-20T10:15:00Z');
    const answered = await startedRequest('access', received);
    const rectified = await startedRequest('rectification', received);
    const rejected = await startedRequest('objection', received);
    const later = received + 2 * 3_600_000;
    const complete = { action: 'complete' as const, message: 'Hierbij uw gegevens.', openTasksReason: 'Het archief volgt apart.' };
    expect((await takeAction(store, answered.reference, complete, dpo, later)).ok).toBe(true);
    expect((await takeAction(store, rectified.reference, { action: 'complete', message: 'Aangepast.' }, dpo, later)).ok).toBe(true);
    expect((await takeAction(store, rejected.reference, { action: 'reject', reason: 'Geen grond.' }, dpo, later)).ok).toBe(true);
    // The rectification's owners still have to correct what the person asked.
    const entries = await openTasksForDigest(store.db, '2026-11-21');
    expect(entries.map((entry) => [entry.reference, entry.task.action])).toEqual(systems.map(() => [rectified.reference, 'forward']));
  });
});
