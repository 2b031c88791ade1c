import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { RequestTaskRow } from '../../../db/rows.ts';
import type { Executor, Store, Transaction } from '../../../db/store.ts';
import { requestEvents, requestTasks } from '../../../db/tables.ts';
import type { RequestEventKind } from '../request-workflow.ts';
import { openTaskStatuses, type AttemptOutcome, type PlannedTask, type TaskChannel, type TaskStatus } from './tasks.ts';

// The tasks of a request, stored. A task's row holds its current state; every change appends an event to the
// request's audit trail in the same transaction, so the trail says who did what to which system, attempt by attempt.

async function appendEvent(tx: Transaction, requestId: number, kind: RequestEventKind, actor: string, now: number, detail: Record<string, unknown>) {
  await tx.insert(requestEvents).values({ requestId, occurredAt: now, actor, kind, detail: JSON.stringify(detail) });
}

/**
 * Creates a request's tasks in the caller's transaction (the DPO's `start`), with one `tasks-planned` event naming
 * them. Tasks that run at the start are due for the runner at once; the others wait (no attempt scheduled).
 */
export async function createTasks(
  tx: Transaction,
  requestId: number,
  planned: readonly PlannedTask[],
  dueOn: string,
  actor: string,
  now: number,
): Promise<RequestTaskRow[]> {
  if (!planned.length) return [];
  const rows = await tx
    .insert(requestTasks)
    .values(
      planned.map((task) => ({
        requestId,
        system: task.system,
        action: task.action,
        channel: task.channel,
        status: 'pending' as const,
        dueOn,
        createdAt: now,
        updatedAt: now,
        attempts: 0,
        nextAttemptAt: task.runsAtStart ? now : null,
      })),
    )
    .returning();
  await appendEvent(tx, requestId, 'tasks-planned', actor, now, {
    dueOn,
    tasks: rows.map((row) => ({ task: row.id, system: row.system, action: row.action, channel: row.channel })),
  });
  return rows;
}

/** A request's tasks in the order they were made. */
export async function tasksOf(db: Executor, requestId: number): Promise<RequestTaskRow[]> {
  return db.select().from(requestTasks).where(eq(requestTasks.requestId, requestId)).orderBy(asc(requestTasks.id));
}

export async function findTask(db: Executor, taskId: number): Promise<RequestTaskRow | undefined> {
  const [row] = await db.select().from(requestTasks).where(eq(requestTasks.id, taskId)).limit(1);
  return row;
}

/** The task a callback's or an owner's token names, by the token's hash. */
export async function findTaskByTokenHash(db: Executor, tokenHash: string): Promise<RequestTaskRow | undefined> {
  const [row] = await db.select().from(requestTasks).where(eq(requestTasks.tokenHash, tokenHash)).limit(1);
  return row;
}

/** True when any task of the request is still open (pending, running or failed). */
export function hasOpenTasks(tasks: readonly RequestTaskRow[]): boolean {
  return tasks.some((task) => openTaskStatuses.includes(task.status));
}

/**
 * Schedules a request's waiting tasks (the erasure's, once the DPO executed it) in the caller's transaction: they are
 * due for the runner from `now`.
 */
export async function scheduleWaitingTasks(tx: Transaction, requestId: number, now: number): Promise<number> {
  const rows = await tx
    .update(requestTasks)
    .set({ nextAttemptAt: now, updatedAt: now })
    .where(and(eq(requestTasks.requestId, requestId), eq(requestTasks.status, 'pending'), isNull(requestTasks.nextAttemptAt), eq(requestTasks.attempts, 0)))
    .returning({ id: requestTasks.id });
  return rows.length;
}

/**
 * Claims up to `limit` tasks that are due (pending with an attempt scheduled by `now`, or running with a lease that
 * ran out: its instance died) for this runner until `now + leaseMs`. Each claim is a conditional update, so two
 * instances never take the same task: the one whose update finds the row still claimable gets it.
 */
export async function claimDueTasks(store: Store, now: number, leaseMs: number, limit: number, channels: readonly TaskChannel[]): Promise<RequestTaskRow[]> {
  if (!channels.length) return [];
  const claimable = and(
    inArray(requestTasks.channel, [...channels]),
    or(
      and(eq(requestTasks.status, 'pending'), isNotNull(requestTasks.nextAttemptAt), lte(requestTasks.nextAttemptAt, now)),
      and(eq(requestTasks.status, 'running'), isNotNull(requestTasks.leaseUntil), lte(requestTasks.leaseUntil, now)),
    ),
  );
  const candidates = await store.read((db) =>
    db.select({ id: requestTasks.id }).from(requestTasks).where(claimable).orderBy(asc(requestTasks.nextAttemptAt)).limit(limit),
  );
  const claimed: RequestTaskRow[] = [];
  for (const { id } of candidates) {
    const [row] = await store.transaction((tx) =>
      tx
        .update(requestTasks)
        .set({ status: 'running', leaseUntil: now + leaseMs, attempts: sql`${requestTasks.attempts} + 1`, updatedAt: now })
        .where(and(eq(requestTasks.id, id), claimable))
        .returning(),
    );
    if (row) claimed.push(row);
  }
  return claimed;
}

export interface AttemptRecord {
  task: RequestTaskRow;
  outcome: AttemptOutcome;
  now: number;
  /** What the attempt was, for the trail: duration, HTTP status, rows; never a person's data. */
  facts: Record<string, unknown>;
  /** The delay before the next attempt, after the `attempts`-th failed one; undefined: no more attempts (failed). */
  retryDelayMs: number | undefined;
}

/**
 * Records the outcome of an attempt the runner made on a task it claimed: the attempt event, and the task's new state
 * (done, waiting for a callback or owner, pending again after a delay, or failed), in one transaction. Refused (false)
 * when the task is no longer this runner's: the DPO marked it not applicable or its lease was taken over meanwhile.
 */
export async function recordAttempt(store: Store, record: AttemptRecord): Promise<boolean> {
  const { task, outcome, now } = record;
  return store.transaction(async (tx) => {
    const changes: Partial<RequestTaskRow> = { updatedAt: now, leaseUntil: null };
    let kind: RequestEventKind | undefined;
    switch (outcome.kind) {
      case 'done':
        Object.assign(changes, {
          status: 'done',
          result: JSON.stringify(outcome.result),
          error: null,
          nextAttemptAt: null,
          tokenHash: null,
          tokenExpiresAt: null,
          closedAt: now,
        });
        kind = 'task-done';
        break;
      case 'waiting':
        // Still running from the DPO's point of view: the system or its owner holds it. The lease ends with the token.
        Object.assign(changes, {
          status: task.channel === 'manual' ? 'pending' : 'running',
          error: null,
          nextAttemptAt: null,
          tokenHash: outcome.tokenHash,
          tokenExpiresAt: outcome.tokenExpiresAt,
          leaseUntil: task.channel === 'manual' ? null : outcome.tokenExpiresAt,
        });
        kind = 'task-waiting';
        break;
      case 'failed':
        if (outcome.retryable && record.retryDelayMs !== undefined) {
          Object.assign(changes, { status: 'pending', error: JSON.stringify(outcome.error), nextAttemptAt: now + record.retryDelayMs });
        } else {
          Object.assign(changes, { status: 'failed', error: JSON.stringify(outcome.error), nextAttemptAt: null, tokenHash: null, tokenExpiresAt: null });
          kind = 'task-failed';
        }
        break;
    }
    const updated = await tx
      .update(requestTasks)
      .set(changes)
      .where(and(eq(requestTasks.id, task.id), eq(requestTasks.status, 'running'), eq(requestTasks.attempts, task.attempts)))
      .returning({ id: requestTasks.id });
    if (!updated.length) return false;
    await appendEvent(tx, task.requestId, 'task-attempt', 'system', now, {
      task: task.id,
      system: task.system,
      attempt: task.attempts,
      outcome: outcome.kind,
      ...(outcome.kind === 'failed' ? { error: outcome.error, willRetry: changes.status === 'pending' } : {}),
      ...record.facts,
    });
    if (kind) await appendEvent(tx, task.requestId, kind, 'system', now, { task: task.id, system: task.system, ...resultFacts(outcome) });
    return true;
  });
}

/** The counts of an outcome, for its event (never the collected rows themselves). */
function resultFacts(outcome: AttemptOutcome): Record<string, unknown> {
  if (outcome.kind === 'failed') return { error: outcome.error };
  if (outcome.kind !== 'done') return {};
  const result = outcome.result;
  switch (result.kind) {
    case 'collected':
      return { tables: result.tables.map((table) => ({ name: table.name, rows: table.rows.length })) };
    case 'erased':
    case 'restricted':
      return { counts: result.counts };
    case 'confirmed':
      return { by: result.by };
    case 'notified':
      return {};
  }
}

/**
 * Finishes a task from outside the runner (a webhook's callback, the owner's page), when its token is the one out:
 * done with a result, or failed with an error. The token is spent in the same update, so a second use finds nothing.
 */
export async function finishTaskByToken(
  tx: Transaction,
  input: {
    task: RequestTaskRow;
    tokenHash: string;
    now: number;
    actor: string;
    outcome: Extract<AttemptOutcome, { kind: 'done' | 'failed' }>;
    facts?: Record<string, unknown>;
  },
): Promise<boolean> {
  const { task, now, outcome } = input;
  const status: TaskStatus = outcome.kind === 'done' ? 'done' : 'failed';
  const updated = await tx
    .update(requestTasks)
    .set({
      status,
      result: outcome.kind === 'done' ? JSON.stringify(outcome.result) : task.result,
      error: outcome.kind === 'failed' ? JSON.stringify(outcome.error) : null,
      tokenHash: null,
      tokenExpiresAt: null,
      leaseUntil: null,
      nextAttemptAt: null,
      updatedAt: now,
      closedAt: outcome.kind === 'done' ? now : null,
    })
    .where(and(eq(requestTasks.id, task.id), eq(requestTasks.tokenHash, input.tokenHash)))
    .returning({ id: requestTasks.id });
  if (!updated.length) return false;
  await appendEvent(tx, task.requestId, status === 'done' ? 'task-done' : 'task-failed', input.actor, now, {
    task: task.id,
    system: task.system,
    ...resultFacts(outcome),
    ...input.facts,
  });
  return true;
}

/**
 * The DPO tries a failed (or stuck pending) task again: due for the runner now, its attempts counted afresh. A manual
 * task waiting for its owner may be tried again too: its owner gets a new link, and the old one stops working.
 */
export async function retryTask(store: Store, taskId: number, actor: string, now: number): Promise<RequestTaskRow | undefined> {
  return store.transaction(async (tx) => {
    const [row] = await tx
      .update(requestTasks)
      .set({ status: 'pending', attempts: 0, error: null, nextAttemptAt: now, leaseUntil: null, tokenHash: null, tokenExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(requestTasks.id, taskId),
          or(
            eq(requestTasks.status, 'failed'),
            and(eq(requestTasks.status, 'pending'), isNotNull(requestTasks.error)),
            and(eq(requestTasks.status, 'pending'), eq(requestTasks.channel, 'manual'), isNotNull(requestTasks.tokenHash)),
          ),
        ),
      )
      .returning();
    if (!row) return undefined;
    await appendEvent(tx, row.requestId, 'task-retried', actor, now, { task: row.id, system: row.system });
    return row;
  });
}

/** The DPO marks an open task not applicable, with the reason (the system holds nothing of this person, say). */
export async function markTaskNotApplicable(store: Store, taskId: number, reason: string, actor: string, now: number): Promise<RequestTaskRow | undefined> {
  return store.transaction(async (tx) => {
    const [row] = await tx
      .update(requestTasks)
      .set({ status: 'not-applicable', reason, nextAttemptAt: null, leaseUntil: null, tokenHash: null, tokenExpiresAt: null, updatedAt: now, closedAt: now })
      .where(and(eq(requestTasks.id, taskId), or(...openTaskStatuses.map((status) => eq(requestTasks.status, status)))))
      .returning();
    if (!row) return undefined;
    await appendEvent(tx, row.requestId, 'task-not-applicable', actor, now, { task: row.id, system: row.system, reason });
    return row;
  });
}

/** Records a refused callback or task-page post against its task (wrong, reused or expired token). */
export async function recordRefusedCallback(
  store: Store,
  task: RequestTaskRow,
  problem: 'wrongToken' | 'reusedToken' | 'expiredToken' | 'badSignature' | 'staleTimestamp',
  now: number,
): Promise<void> {
  await store.transaction((tx) => appendEvent(tx, task.requestId, 'task-callback-refused', 'system', now, { task: task.id, system: task.system, problem }));
}

/** For tests and the runner's wake-up: the earliest scheduled attempt, if any. */
export async function nextScheduledAttempt(db: Executor): Promise<number | undefined> {
  const [row] = await db
    .select({ at: requestTasks.nextAttemptAt })
    .from(requestTasks)
    .where(and(eq(requestTasks.status, 'pending'), isNotNull(requestTasks.nextAttemptAt)))
    .orderBy(asc(requestTasks.nextAttemptAt))
    .limit(1);
  return row?.at ?? undefined;
}
