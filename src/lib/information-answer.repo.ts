import { eq } from 'drizzle-orm';
import type { RequestRow } from '../../db/rows.ts';
import { onlyRow, type Store } from '../../db/store.ts';
import { requestEvents, requestFiles, requests } from '../../db/tables.ts';
import { daysBetween } from './deadline.ts';
import { deadlineAfterWait, openQuestion } from './information-wait.ts';
import { requestFileRow } from './request-files.repo.ts';
import { eventsOf } from './requests.repo.ts';
import type { CheckedUpload } from './uploads.ts';

export type AnswerOutcome = { ok: true; request: RequestRow } | { ok: false; problem: 'notWaiting' };

/**
 * The requester answers the DPO's question from their status page: their text (and a checked file, stored with origin
 * `requester`, the DPO's evidence and never part of the requester's package) and an `information-provided` event, in
 * one transaction. The request returns to the status it had before the question; when the question stopped the
 * deadline, the due date moves by the days it stood still. `notWaiting` when no question waits (answered already, or
 * the request was closed meanwhile).
 */
export async function provideInformation(
  store: Store,
  requestId: number,
  answer: { text: string; file?: CheckedUpload | undefined },
  now: number,
  timeZone: string,
): Promise<AnswerOutcome> {
  return store.transaction(async (tx): Promise<AnswerOutcome> => {
    const [request] = await tx.select().from(requests).where(eq(requests.id, requestId)).limit(1);
    if (request?.status !== 'waiting' || request.anonymisedAt !== null) return { ok: false, problem: 'notWaiting' };
    const question = openQuestion(await eventsOf(tx, request.id));
    if (!question) return { ok: false, problem: 'notWaiting' };
    const deadline = deadlineAfterWait(request.dueOn, question, now, timeZone);
    const paused = daysBetween(request.dueOn, deadline.dueOn);
    let file: Record<string, unknown> = {};
    if (answer.file) {
      const [stored] = await tx
        .insert(requestFiles)
        .values(requestFileRow(answer.file, { requestId: request.id, taskId: null, origin: 'requester', now }))
        .returning({ id: requestFiles.id });
      if (!stored) throw new Error('The file was not stored.');
      file = { fileId: stored.id, name: answer.file.name, mediaType: answer.file.mediaType, size: answer.file.size, sha256: answer.file.sha256 };
    }
    const updated = onlyRow(
      await tx
        .update(requests)
        // A request the requester's email click verified while it waited goes on as verified.
        .set({ status: question.from === 'received' && request.verifiedAt !== null ? 'verified' : question.from, ...deadline })
        .where(eq(requests.id, request.id))
        .returning(),
    );
    const detail = { text: answer.text, ...file, ...(paused === 0 ? {} : { pausedDays: paused, dueOn: deadline.dueOn, previousDueOn: request.dueOn }) };
    await tx
      .insert(requestEvents)
      .values({ requestId: request.id, occurredAt: now, actor: 'requester', kind: 'information-provided', detail: JSON.stringify(detail) });
    return { ok: true, request: updated };
  });
}
