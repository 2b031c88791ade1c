import { timingSafeEqual } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { RequestRow, RequestTaskRow } from '../../../db/rows.ts';
import type { Executor, Store } from '../../../db/store.ts';
import { requestEvents, requestFiles, requests } from '../../../db/tables.ts';
import { hashToken } from '../marketing.ts';
import { requestFileRow } from '../request-files.repo.ts';
import { verificationMethodOf } from '../requests.repo.ts';
import type { CheckedUpload } from '../uploads.ts';
import { spentBefore } from './callback.ts';
import { findTask, finishTaskByToken, recordRefusedCallback } from './tasks.repo.ts';
import { verifiedIdentifiers, type TaskResult } from './tasks.ts';
import type { Identifiers } from './register.ts';

// The owner's task page (src/pages/[locale]/tasks/[task].astro): the link's token opens one manual task, once, until
// it expires. Every refused use (a wrong, spent or expired token) of a task that exists is recorded on its request.

export type OwnerTaskOpening =
  | { kind: 'notFound' }
  | { kind: 'expired'; task: RequestTaskRow }
  | { kind: 'answered'; task: RequestTaskRow }
  | { kind: 'open'; task: RequestTaskRow; tokenHash: string; request: RequestRow; identifiers: Identifiers };

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** The identifiers the owner may see: as the runner gave them to the connector (src/lib/systems/runner.ts). */
async function identifiersOf(db: Executor, request: RequestRow): Promise<Identifiers> {
  return verifiedIdentifiers(request, await verificationMethodOf(db, request.id));
}

/**
 * Opens the task `taskId` names with the owner's `token`: open (the token is the one out and not expired), expired,
 * answered already (the token was spent), or not found (no such manual task, or a token that is not its own).
 */
export async function openOwnerTask(store: Store, input: { taskId: string; token: string | null; now: number }): Promise<OwnerTaskOpening> {
  if (!/^\d{1,15}$/.test(input.taskId)) return { kind: 'notFound' };
  const task = await store.read((db) => findTask(db, Number(input.taskId)));
  if (task?.channel !== 'manual') return { kind: 'notFound' };
  const tokenHash = input.token && tokenPattern.test(input.token) ? hashToken(input.token) : undefined;
  if (!tokenHash || !task.tokenHash || !sameHash(tokenHash, task.tokenHash)) {
    if (tokenHash && (await spentBefore(store, task.requestId, task.id, tokenHash))) {
      await recordRefusedCallback(store, task, 'reusedToken', input.now);
      return { kind: 'answered', task };
    }
    await recordRefusedCallback(store, task, 'wrongToken', input.now);
    return { kind: 'notFound' };
  }
  if (task.tokenExpiresAt !== null && task.tokenExpiresAt < input.now) {
    await recordRefusedCallback(store, task, 'expiredToken', input.now);
    return { kind: 'expired', task };
  }
  const found = await store.read(async (db) => {
    const [request] = await db.select().from(requests).where(eq(requests.id, task.requestId)).limit(1);
    return request && { request, identifiers: await identifiersOf(db, request) };
  });
  if (!found) return { kind: 'notFound' };
  return { kind: 'open', task, tokenHash, ...found };
}

/** What the owner answered: their files (and a note), that they hold nothing (why), or that they did it (what). */
export type OwnerAnswer =
  | { kind: 'files'; files: readonly CheckedUpload[]; note: string }
  | { kind: 'nothing'; note: string }
  | { kind: 'confirmed'; note: string };

/**
 * Records the owner's answer: the task done with its result, the token spent, and the uploaded files stored with the
 * request, all in one transaction. False when the token was spent meanwhile (a second tab, a double click): nothing
 * is stored then.
 */
export async function answerOwnerTask(store: Store, input: { task: RequestTaskRow; tokenHash: string; answer: OwnerAnswer; now: number }): Promise<boolean> {
  const { task, tokenHash, answer, now } = input;
  const note = answer.note.trim();
  const result: TaskResult =
    answer.kind === 'confirmed' ? { kind: 'confirmed', note, by: 'owner' } : { kind: 'collected', tables: [], collectedAt: now, ...(note ? { note } : {}) };
  const files = answer.kind === 'files' ? answer.files : [];
  return store.transaction(async (tx) => {
    const finished = await finishTaskByToken(tx, {
      task,
      tokenHash,
      now,
      actor: `owner:${task.system}`,
      outcome: { kind: 'done', result },
      facts: { spentToken: tokenHash, ...(answer.kind === 'confirmed' ? {} : { files: files.length, nothingHeld: answer.kind === 'nothing' }) },
    });
    if (!finished) return false;
    if (files.length) {
      await tx.insert(requestFiles).values(files.map((file) => requestFileRow(file, { requestId: task.requestId, taskId: task.id, origin: 'owner', now })));
    }
    return true;
  });
}

/** When the owner was last sent the task's link (its `task-waiting` event), or undefined. */
export async function ownerLinkSentAt(db: Executor, task: RequestTaskRow): Promise<number | undefined> {
  const events = await db
    .select({ occurredAt: requestEvents.occurredAt, detail: requestEvents.detail })
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, task.requestId), eq(requestEvents.kind, 'task-waiting')))
    .orderBy(desc(requestEvents.id));
  const event = events.find((candidate) => candidate.detail && (JSON.parse(candidate.detail) as { task?: number }).task === task.id);
  return event?.occurredAt;
}
