import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../content/systems.json' with { type: 'json' };
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { createRequest, eventsOf, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, type RequestType } from '../../src/lib/requests.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { taskChannels as allChannels } from '../../src/lib/systems/tasks.ts';
import { claimDueTasks, finishTaskByToken, markTaskNotApplicable, recordAttempt, retryTask, tasksOf } from '../../src/lib/systems/tasks.repo.ts';

const organisation = organisationSchema.parse(organisationSource);
const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const dpo = 'dpo:eleni@ostria.example';
const received = Date.parse('2026-11-20T10:15:00Z');
const startedAt = received + 3_600_000;

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

async function startedRequest(type: RequestType) {
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'nl',
    name: 'Daan de Vries',
    email: 'daan@example.nl',
    declaration: true,
    ...(type === 'rectification' ? { inaccurateData: 'Mijn adres', correctData: 'Dorpsstraat 1' } : {}),
    ...(type === 'erasure' || type === 'objection' ? { scope: 'Alles', grounds: 'Geen klant meer' } : {}),
  });
  const request = await createRequest(store, {
    submission,
    now: received,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received)).ok).toBe(true);
  const planned = planTasks(type, systems, organisation.processors);
  const outcome = await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-11-20' } }, dpo, startedAt);
  expect(outcome.ok).toBe(true);
  return request;
}

const eventKinds = async (requestId: number) => (await eventsOf(store.db, requestId)).map((event) => event.kind);

/** Runs every due task once: the manual one is handed to its owner (waiting, with a token), the others are done. */
async function runDueTasks(now: number, ownerToken: string) {
  for (const task of await claimDueTasks(store, now, 60_000, 20, allChannels)) {
    const outcome =
      task.channel === 'manual'
        ? { kind: 'waiting' as const, tokenHash: hashToken(ownerToken), tokenExpiresAt: now + 86_400_000 }
        : { kind: 'done' as const, result: { kind: 'collected' as const, tables: [], collectedAt: now } };
    expect(await recordAttempt(store, { task, outcome, now, facts: {}, retryDelayMs: undefined })).toBe(true);
  }
}

describe('tasks in the request workflow', () => {
  test('starting an access request creates one task per system, due a week before the request, and one tasks-planned event', async () => {
    const request = await startedRequest('access');
    const tasks = await tasksOf(store.db, request.id);
    expect(tasks.map((task) => [task.system, task.action, task.channel, task.status])).toEqual([
      ['customer-database', 'collect', 'sql', 'pending'],
      ['login-history', 'collect', 'webhook', 'pending'],
      ['contract-archive', 'collect', 'manual', 'pending'],
    ]);
    // The request is due on 20 December; its tasks a week earlier, and each is due for the runner at once.
    expect(tasks.every((task) => task.dueOn === '2026-12-13' && task.nextAttemptAt === startedAt)).toBe(true);
    expect((await eventKinds(request.id)).filter((kind) => kind === 'tasks-planned')).toHaveLength(1);
  });

  test('an erasure’s tasks wait until the DPO executes it, then each system’s erasure and each recipient’s notice is due', async () => {
    const request = await startedRequest('erasure');
    const before = await tasksOf(store.db, request.id);
    expect(before).toHaveLength(systems.length + organisation.processors.length);
    expect(before.every((task) => task.nextAttemptAt === null)).toBe(true);
    expect(await claimDueTasks(store, startedAt + 1000, 60_000, 20, allChannels)).toEqual([]);

    const erasedAt = startedAt + 5000;
    expect((await takeAction(store, request.reference, { action: 'erase' }, dpo, erasedAt)).ok).toBe(true);
    const after = await tasksOf(store.db, request.id);
    expect(after.every((task) => task.nextAttemptAt === erasedAt)).toBe(true);
    expect(after.filter((task) => task.action === 'notify')).toHaveLength(organisation.processors.length);
    expect((await claimDueTasks(store, erasedAt, 60_000, 20, allChannels)).length).toBe(after.length);
  });

  test('an access request with an open task completes only with a reason, which its completed event records', async () => {
    const request = await startedRequest('access');
    const refused = await takeAction(store, request.reference, { action: 'complete', message: 'Hierbij uw gegevens.' }, dpo, startedAt + 1000);
    expect(refused).toEqual({ ok: false, problem: 'openTasks' });
    expect((await findRequest(store.db, request.reference))?.status).toBe('in-progress');
    const blank = await takeAction(store, request.reference, { action: 'complete', message: 'Hierbij.', openTasksReason: '   ' }, dpo, startedAt + 1000);
    expect(blank).toEqual({ ok: false, problem: 'openTasks' });

    const reason = 'Het contractarchief is buiten gebruik; de eigenaar bevestigde per telefoon dat er niets is.';
    const done = await takeAction(store, request.reference, { action: 'complete', message: 'Hierbij.', openTasksReason: reason }, dpo, startedAt + 2000);
    expect(done.ok).toBe(true);
    const completed = (await eventsOf(store.db, request.id)).find((event) => event.kind === 'completed');
    expect(JSON.parse(completed?.detail ?? '{}')).toEqual({ message: 'Hierbij.', openTasks: 3, openTasksReason: reason });
  });

  test('an access request whose tasks are all closed completes without a reason', async () => {
    const request = await startedRequest('access');
    await runDueTasks(startedAt + 1000, 'owner-token');
    const manual = (await tasksOf(store.db, request.id)).find((task) => task.channel === 'manual');
    expect(manual?.status).toBe('pending');
    expect(await markTaskNotApplicable(store, manual?.id ?? 0, 'Geen contracten', dpo, startedAt + 2000)).toBeDefined();
    const done = await takeAction(store, request.reference, { action: 'complete', message: 'Hierbij.' }, dpo, startedAt + 3000);
    expect(done.ok).toBe(true);
  });

  test('a rectification request completes with its forwarded tasks open: only access and portability wait for them', async () => {
    const request = await startedRequest('rectification');
    expect((await tasksOf(store.db, request.id)).map((task) => task.action)).toEqual(['forward', 'forward', 'forward']);
    expect((await takeAction(store, request.reference, { action: 'complete', message: 'Aangepast.' }, dpo, startedAt + 1000)).ok).toBe(true);
  });

  test('retrying a failed task makes it due again, marking one not applicable closes it; each appends its event', async () => {
    const request = await startedRequest('portability');
    const now = startedAt + 1000;
    const [task] = await claimDueTasks(store, now, 60_000, 1, allChannels);
    if (!task) throw new Error('no task claimed');
    const failure = { kind: 'failed' as const, error: { code: 'unreachable' as const, detail: 'ECONNREFUSED' }, retryable: false };
    expect(await recordAttempt(store, { task, outcome: failure, now, facts: {}, retryDelayMs: undefined })).toBe(true);
    expect((await tasksOf(store.db, request.id))[0]?.status).toBe('failed');

    const retried = await retryTask(store, task.id, dpo, now + 1000);
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: now + 1000 });
    // Only a failed (or stuck) task is retried: a second click finds nothing to retry.
    expect(await retryTask(store, task.id, dpo, now + 2000)).toBeUndefined();

    const other = (await tasksOf(store.db, request.id))[2];
    const closed = await markTaskNotApplicable(store, other?.id ?? 0, 'Geen archief voor dit account', dpo, now + 3000);
    expect(closed).toMatchObject({ status: 'not-applicable', reason: 'Geen archief voor dit account' });
    expect(await markTaskNotApplicable(store, other?.id ?? 0, 'nogmaals', dpo, now + 4000)).toBeUndefined();
    const kinds = await eventKinds(request.id);
    expect(kinds.filter((kind) => kind === 'task-retried')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'task-not-applicable')).toHaveLength(1);
    expect(kinds).toContain('task-failed');
  });

  test('an owner’s token finishes its task once: a second finish with the spent token is refused', async () => {
    const request = await startedRequest('access');
    await runDueTasks(startedAt + 1000, 'owner-token');
    const manual = (await tasksOf(store.db, request.id)).find((task) => task.channel === 'manual');
    if (!manual) throw new Error('no manual task');
    const finish = (now: number) =>
      store.transaction((tx) =>
        finishTaskByToken(tx, {
          task: manual,
          tokenHash: hashToken('owner-token'),
          now,
          actor: 'owner',
          outcome: { kind: 'done', result: { kind: 'collected', tables: [], collectedAt: now } },
        }),
      );
    expect(await finish(startedAt + 2000)).toBe(true);
    expect(await finish(startedAt + 3000)).toBe(false);
    expect((await eventKinds(request.id)).filter((kind) => kind === 'task-done')).toHaveLength(3);
  });
});
