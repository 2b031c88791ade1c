import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../../../db/store.ts';
import { hashToken } from '../marketing.ts';
import { eventsOf } from '../requests.repo.ts';
import type { System } from './register.ts';
import { findTask, finishTaskByToken, recordRefusedCallback } from './tasks.repo.ts';
import { readWebhookAnswer } from './webhook-answer.ts';
import { verifySignature } from './webhook-signature.ts';

// A webhook system's later answer (after its 202) to `POST /api/tasks/<id>/result`: the bearer token the task's
// message carried (single use, until its expiry), signed with the system's secret, its timestamp within 5 minutes.
// Every refusal is recorded on the task's request; nothing of a refused body is kept.

export interface CallbackInput {
  taskId: string;
  authorization: string | null;
  timestamp: string | null;
  signature: string | null;
  body: string;
  now: number;
}

export type CallbackAnswer = { status: 204 } | { status: 400 | 401 | 404 | 409 | 410 | 413; code: string; message: string };

const refusal = (status: 400 | 401 | 404 | 409 | 410 | 413, code: string, message: string): CallbackAnswer => ({ status, code, message });

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether `tokenHash` is one the task already spent (its done or failed event names it). */
export async function spentBefore(store: Store, requestId: number, taskId: number, tokenHash: string): Promise<boolean> {
  const events = await store.read((db) => eventsOf(db, requestId));
  return events.some((event) => {
    if (event.kind !== 'task-done' && event.kind !== 'task-failed') return false;
    const detail = event.detail ? (JSON.parse(event.detail) as { task?: number; spentToken?: string }) : {};
    return detail.task === taskId && typeof detail.spentToken === 'string' && sameHash(detail.spentToken, tokenHash);
  });
}

export async function acceptCallback(store: Store, systems: readonly System[], input: CallbackInput): Promise<CallbackAnswer> {
  if (!/^\d{1,15}$/.test(input.taskId)) return refusal(404, 'unknown_task', 'No task has this id.');
  const task = await store.read((db) => findTask(db, Number(input.taskId)));
  const system = task && systems.find((candidate) => candidate.id === task.system);
  if (!task || system?.kind !== 'webhook') return refusal(404, 'unknown_task', 'No task has this id.');
  const token = /^Bearer ([\w-]{16,200})$/.exec(input.authorization ?? '')?.[1];
  const tokenHash = token ? hashToken(token) : undefined;
  if (!tokenHash || !task.tokenHash || !sameHash(tokenHash, task.tokenHash)) {
    if (tokenHash && (await spentBefore(store, task.requestId, task.id, tokenHash))) {
      await recordRefusedCallback(store, task, 'reusedToken', input.now);
      return refusal(409, 'token_used', 'This token was used already.');
    }
    await recordRefusedCallback(store, task, 'wrongToken', input.now);
    return refusal(401, 'wrong_token', 'The token is not the one this task is waiting for.');
  }
  if (task.tokenExpiresAt !== null && task.tokenExpiresAt < input.now) {
    await recordRefusedCallback(store, task, 'expiredToken', input.now);
    return refusal(410, 'token_expired', 'The token expired; the portal will send the task again.');
  }
  const signatureProblem = verifySignature(system.connection.secret, input.timestamp, input.signature, input.body, input.now);
  if (signatureProblem) {
    await recordRefusedCallback(store, task, signatureProblem, input.now);
    return refusal(401, signatureProblem === 'badSignature' ? 'bad_signature' : 'stale_timestamp', 'The signature or its timestamp is not valid.');
  }
  // The route reads up to the largest `maxBytes` of any system; this system's own limit holds for its result, as for
  // an answer at once: more fails the task (nothing of it kept) for the DPO to take up with the system.
  const tooLarge = Buffer.byteLength(input.body, 'utf8') > system.maxBytes;
  const answer = tooLarge ? undefined : readWebhookAnswer(input.body, task.action, input.now);
  if (answer && !answer.ok && answer.problem === 'badAnswer') return refusal(400, 'bad_answer', 'The body is not a result of the protocol.');
  const outcome = !answer
    ? ({ kind: 'failed', error: { code: 'tooLarge', detail: `more than ${system.maxBytes} bytes` }, retryable: false } as const)
    : answer.ok
      ? ({ kind: 'done', result: answer.result } as const)
      : ({ kind: 'failed', error: { code: 'badAnswer', detail: answer.detail.slice(0, 300) }, retryable: false } as const);
  const finished = await store.transaction((tx) =>
    finishTaskByToken(tx, { task, tokenHash, now: input.now, actor: `system:${task.system}`, outcome, facts: { spentToken: tokenHash } }),
  );
  // Another callback with the same token won the race.
  if (!finished) return refusal(409, 'token_used', 'This token was used already.');
  return tooLarge ? refusal(413, 'too_large', `The result may be at most ${system.maxBytes} bytes for this system.`) : { status: 204 };
}
