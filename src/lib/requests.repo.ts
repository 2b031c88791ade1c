import { timingSafeEqual } from 'node:crypto';
import { nameSearchKey } from './search-text.ts';
import { emailLookupKey } from './email-address.ts';
import { and, asc, desc, eq } from 'drizzle-orm';
import { onlyRow, type Executor, type Store, type Transaction } from '../../db/store.ts';
import { requestEvents, requestExports, requests } from '../../db/tables.ts';
import { eraseSubject, reduceErasureRequest } from './erasure.repo.ts';
import { daysBetween, deadlineFor, extendedDeadline, extensionProblem, localDate, startOfLocalDay, type DeadlineRule } from './deadline.ts';
import { hashToken } from './marketing.ts';
import { brokenUniqueIndex } from './sql-dialect.ts';
import {
  isOpen,
  producesExport,
  statusAfter,
  transitionProblem,
  verificationMethodIn,
  verificationMethodsFor,
  type InformationReason,
  type RequestEventKind,
  type VerificationMethod,
  type WorkflowAction,
} from './request-workflow.ts';
import { exportLifetimeMs, isDirectMarketingObjection, newReference, verificationLifetimeMs, type IntakeChannel, type RequestSubmission } from './requests.ts';
import type { MarketingSubscription, RequestEventRow, RequestExportRow, RequestRow } from '../../db/rows.ts';
import { withdrawEvery } from './marketing.repo.ts';
import { findByPhone, findSubject } from './subject.repo.ts';
import { openTaskStatuses, taskDueOn, type PlannedTask } from './systems/tasks.ts';
import { createTasks, scheduleWaitingTasks, tasksOf } from './systems/tasks.repo.ts';
import { deadlineAfterWait, openQuestion } from './information-wait.ts';

/** What a request holds, from the public form or as the DPO recorded it (with no address when none is known). */
export type RequestContent = Omit<RequestSubmission, 'email' | 'consentId' | 'declaration'> & { email: string | null; consentId?: string | null };

export interface NewRequest {
  submission: RequestContent;
  /** When the request is recorded (its `received` event). */
  now: number;
  /**
   * A request received by post, phone or email and recorded by a DPO: the channel, the calendar date it was received
   * (the deadline runs from it, and `received_at` is that day's start), and who recorded it (`dpo:<email>`).
   */
  intake?: { channel: IntakeChannel; receivedOn: string; actor: string };
  /** The organisation's time zone: the deadline is counted in calendar days there. */
  timeZone: string;
  /** Which first deadline the organisation keeps (`deadline` in content/organisation.json); the earlier by default. */
  deadlineRule?: DeadlineRule;
  /** The hash of the status-page token for the reference the request gets. */
  statusTokenHashFor: (reference: string) => string;
  /** The email link's token hash; null when there is no link to click (a request the DPO recorded). */
  verifyTokenHash: string | null;
  /** `browser` when the sending browser's own consent cookie carries the named consent id; absent or null otherwise. */
  consentIdLinkedBy?: 'browser' | null;
  /** Draws a reference for the year (`newReference` unless a test forces collisions with one that repeats). */
  drawReference?: (year: number) => string;
}

/** References drawn for one request before its submission fails: 6 random characters collide about once in 10^9. */
const referenceDraws = 10;

/**
 * The unique indexes that say a reference is taken: the reference's own, and the status token's, whose hash is made
 * from the reference (either may be the one a store reports first), as PostgreSQL and SQLite name them.
 */
const referenceTaken = new Set(['requests_reference', 'requests_status_token', 'requests.reference', 'requests.status_token_hash']);

/**
 * Records a submitted request and its `received` event in one transaction, under a fresh reference. The unique index
 * decides whether a reference is free: when another submission (on any instance) took it first, the whole transaction
 * is rolled back and tried again with a new one. Looking first and inserting after would not do: two transactions at
 * READ COMMITTED both see the reference free.
 */
export async function createRequest(store: Store, input: NewRequest): Promise<RequestRow> {
  const year = Number((input.intake?.receivedOn ?? localDate(input.now, input.timeZone)).slice(0, 4));
  const draw = input.drawReference ?? newReference;
  for (let drawn = 1; ; drawn += 1) {
    try {
      return await insertRequest(store, input, draw(year));
    } catch (error) {
      const index = brokenUniqueIndex(error);
      if (drawn >= referenceDraws || index === undefined || !referenceTaken.has(index)) throw error;
    }
  }
}

async function insertRequest(store: Store, input: NewRequest, reference: string): Promise<RequestRow> {
  const { submission, now, intake } = input;
  const receivedAt = intake ? startOfLocalDay(intake.receivedOn, input.timeZone) : now;
  const { dueOn, dueAt } = deadlineFor(receivedAt, input.timeZone, input.deadlineRule);
  // The address is stored as given (none: empty, which matches no subject and gets no mail); its lookup form only when there is one.
  const email = submission.email ?? '';
  return store.transaction(async (tx) => {
    const row = onlyRow(
      await tx
        .insert(requests)
        .values({
          reference,
          type: submission.type,
          locale: submission.locale,
          name: submission.name,
          email,
          emailKey: email ? emailLookupKey(email) : null,
          nameKey: nameSearchKey(submission.name),
          customerReference: submission.customerReference,
          phone: submission.phone,
          consentId: submission.consentId ?? null,
          consentIdLinkedBy: submission.consentId ? (input.consentIdLinkedBy ?? null) : null,
          details: submission.details,
          inaccurateData: submission.inaccurateData,
          correctData: submission.correctData,
          scope: submission.scope,
          grounds: submission.grounds,
          format: submission.format,
          status: 'received',
          receivedAt,
          dueOn,
          dueAt,
          statusTokenHash: input.statusTokenHashFor(reference),
          verifyTokenHash: input.verifyTokenHash,
          verifyExpiresAt: input.verifyTokenHash === null ? null : now + verificationLifetimeMs,
        })
        .returning(),
    );
    const detail = intake ? JSON.stringify({ channel: intake.channel, receivedOn: intake.receivedOn }) : null;
    await tx.insert(requestEvents).values({ requestId: row.id, occurredAt: now, actor: intake?.actor ?? 'requester', kind: 'received', detail });
    return row;
  });
}

export async function findRequest(db: Executor, reference: string): Promise<RequestRow | undefined> {
  const [request] = await db.select().from(requests).where(eq(requests.reference, reference)).limit(1);
  return request;
}

/** The request, only when `token` is its status-page token (compared in constant time). */
export async function findRequestForRequester(db: Executor, reference: string, token: string | null | undefined): Promise<RequestRow | undefined> {
  if (!token || token.length > 100) return undefined;
  const request = await findRequest(db, reference);
  if (!request) return undefined;
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(request.statusTokenHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? request : undefined;
}

export async function eventsOf(db: Executor, requestId: number): Promise<RequestEventRow[]> {
  return db.select().from(requestEvents).where(eq(requestEvents.requestId, requestId)).orderBy(asc(requestEvents.id));
}

export type EmailVerification = 'verified' | 'already-verified' | 'expired' | 'invalid';

/**
 * The requester's email link: single use, valid 72 hours. A request still `received` becomes `verified`
 * (identity verified by email link) with its event, in one transaction.
 */
export async function verifyByEmailLink(store: Store, request: RequestRow, token: string | null | undefined, now: number): Promise<EmailVerification> {
  const state = verificationPending(request, token, now);
  if (state !== 'pending') return state;
  return store.transaction(async (tx) => {
    await tx.update(requests).set({ verifyTokenHash: null, verifyExpiresAt: null }).where(eq(requests.id, request.id));
    // Only a request still waiting for it: the click proves the address, never more than a check the DPO recorded. A
    // request waiting for the requester's answer to a question stays waiting (the answer then takes it to `verified`).
    const unverifiedWhileWaiting = request.status === 'waiting' && request.verifiedAt === null;
    if (request.status !== 'received' && !unverifiedWhileWaiting) return 'already-verified';
    await tx
      .update(requests)
      .set({ status: unverifiedWhileWaiting ? 'waiting' : 'verified', verifiedAt: now })
      .where(eq(requests.id, request.id));
    await tx
      .insert(requestEvents)
      .values({ requestId: request.id, occurredAt: now, actor: 'requester', kind: 'identity-verified', detail: JSON.stringify({ method: 'email-link' }) });
    return 'verified';
  });
}

/** Whether a verification token, as given, would verify the request now (for showing the confirm button). */
export function verificationPending(request: RequestRow, token: string | null | undefined, now: number): EmailVerification | 'pending' {
  if (!token || !request.verifyTokenHash) return request.verifiedAt ? 'already-verified' : 'invalid';
  if (token.length > 100 || hashToken(token) !== request.verifyTokenHash) return 'invalid';
  return (request.verifyExpiresAt ?? 0) < now ? 'expired' : 'pending';
}

/** A DPO's (or the system's) action on a request, with what it needs. */
export type RequestAction =
  | { action: 'verify'; method: VerificationMethod; note?: string }
  /** `tasks`: what the systems and recipients are asked (planTasks), due before the request (taskDueOn from `today`). */
  | { action: 'start'; tasks?: { planned: readonly PlannedTask[]; today: string } }
  | { action: 'note'; text: string }
  | { action: 'extend'; months: number; reason: string; timeZone: string }
  /**
   * `exportContent` builds the export inside the completion's transaction, so it holds exactly what was there then.
   * An access or portability request with a task still open completes only with `openTasksReason`.
   */
  | { action: 'complete'; message: string; openTasksReason?: string; exportContent?: (tx: Transaction) => Promise<string | ExportContent> }
  | { action: 'reject'; reason: string }
  | { action: 'erase' }
  | { action: 'link'; note?: string }
  | { action: 'ask'; reason: InformationReason; question: string };

/** The export's JSON (`content`; a bare string: JSON only) and, since packages exist, the zip the requester downloads (base64). */
export interface ExportContent {
  content: string;
  packageBase64: string | null;
}

export type ActionOutcome =
  | { ok: true; request: RequestRow }
  | { ok: false; problem: 'status' | 'alreadyExtended' | 'tooLate' | 'type' | 'consentId' | 'alreadyErased' | 'months' | 'reason' | 'openTasks' | 'method' };

/** How the request's identity was last verified (its latest `identity-verified` event's method), if it was. */
export async function verificationMethodOf(db: Executor, requestId: number): Promise<string | undefined> {
  const [event] = await db
    .select({ detail: requestEvents.detail })
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, requestId), eq(requestEvents.kind, 'identity-verified')))
    .orderBy(desc(requestEvents.id))
    .limit(1);
  return verificationMethodIn(event?.detail);
}

const eventOf: Record<WorkflowAction, RequestEventKind> = {
  verify: 'identity-verified',
  start: 'started',
  note: 'note',
  extend: 'extended',
  complete: 'completed',
  reject: 'rejected',
  erase: 'erased',
  link: 'consent-id-linked',
  ask: 'information-requested',
};

/**
 * Takes one action on a request: checks it is allowed from the current status, updates the request and appends
 * its audit event in one transaction (read and write together, so two DPOs cannot both extend). An erasure
 * anonymises the subject's records in that same transaction and records the counts; a link marks the request's
 * consent id as checked by the DPO, with the id in its event.
 */
export async function takeAction(store: Store, reference: string, input: RequestAction, actor: string, now: number): Promise<ActionOutcome> {
  return store.transaction(async (tx): Promise<ActionOutcome> => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    if (!request) return { ok: false, problem: 'status' };
    const erased =
      (
        await tx
          .select({ id: requestEvents.id })
          .from(requestEvents)
          .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'erased')))
          .limit(1)
      ).length > 0;
    const verifiedBy = await verificationMethodOf(tx, request.id);
    const problem = transitionProblem({ ...request, extended: request.extensionDays !== null, erased, verifiedBy }, input.action);
    if (problem) return { ok: false, problem };
    if (input.action === 'verify' && !verificationMethodsFor(request).includes(input.method)) return { ok: false, problem: 'method' };
    const status = statusAfter(request.status, input.action);
    const changes: Partial<RequestRow> = { status };
    let detail: Record<string, unknown> | null = null;
    let exportContent: ExportContent | undefined;
    switch (input.action) {
      case 'verify':
        // A stronger check over the email click keeps when the identity was first verified.
        if (request.status === 'received') changes.verifiedAt = now;
        changes.verifyTokenHash = null;
        changes.verifyExpiresAt = null;
        detail = { method: input.method, ...(input.note ? { note: input.note } : {}) };
        break;
      case 'start':
        if (input.tasks) await createTasks(tx, request.id, input.tasks.planned, taskDueOn(request.dueOn, input.tasks.today), actor, now);
        break;
      case 'note':
        if (!input.text.trim()) return { ok: false, problem: 'reason' };
        detail = { text: input.text };
        break;
      case 'extend': {
        // The request is not extended yet (transitionProblem), so its due date is still the first deadline; while a
        // question waits, that deadline has moved on with every day waited.
        const question = request.status === 'waiting' ? openQuestion(await eventsOf(tx, request.id)) : undefined;
        const firstDueAt = question ? deadlineAfterWait(request.dueOn, question, now, input.timeZone).dueAt : request.dueAt;
        const extension = extensionProblem({ months: input.months, reason: input.reason, alreadyExtended: false, firstDueAt, now });
        if (extension) return { ok: false, problem: extension === 'alreadyExtended' ? 'alreadyExtended' : extension };
        const extended = extendedDeadline(request.dueOn, input.months, input.timeZone);
        Object.assign(changes, extended);
        // The days the extension added: the first deadline stays `due_on` minus them, for old and new rows alike.
        changes.extensionDays = daysBetween(request.dueOn, extended.dueOn);
        changes.extensionReason = input.reason;
        detail = { months: input.months, days: changes.extensionDays, reason: input.reason, dueOn: extended.dueOn, firstDueOn: request.dueOn };
        break;
      }
      case 'complete': {
        if (!input.message.trim()) return { ok: false, problem: 'reason' };
        // Read in this transaction: a task may have finished (or failed) since the DPO opened the page.
        const openTasks = producesExport(request.type) ? (await tasksOf(tx, request.id)).filter((task) => openTaskStatuses.includes(task.status)).length : 0;
        const openTasksReason = input.openTasksReason?.trim();
        if (openTasks > 0 && !openTasksReason) return { ok: false, problem: 'openTasks' };
        {
          const made = await input.exportContent?.(tx);
          exportContent = typeof made === 'string' ? { content: made, packageBase64: null } : made;
        }
        changes.closedAt = now;
        changes.outcome = input.message;
        const marketingWithdrawn = isDirectMarketingObjection(request) ? await withdrawMarketingOf(tx, request, now) : undefined;
        detail = { message: input.message, ...(openTasks > 0 ? { openTasks, openTasksReason } : {}), ...(marketingWithdrawn ? { marketingWithdrawn } : {}) };
        break;
      }
      case 'reject':
        if (!input.reason.trim()) return { ok: false, problem: 'reason' };
        changes.closedAt = now;
        changes.outcome = input.reason;
        detail = { reason: input.reason };
        break;
      case 'erase':
        // The systems' erasure tasks and the recipients' notifications (planned at the start) are due from now.
        detail = { counts: await eraseSubject(tx, request, now) };
        await scheduleWaitingTasks(tx, request.id, now);
        break;
      case 'link':
        // The DPO checked that the named consent id is the requester's: from now on its records are theirs.
        changes.consentIdLinkedBy = 'dpo';
        detail = { consentId: request.consentId, ...(input.note ? { note: input.note } : {}) };
        break;
      case 'ask': {
        if (!input.question.trim()) return { ok: false, problem: 'reason' };
        // Asked again while waiting: the answer still takes the request back to where it was before the first question.
        const from = request.status === 'waiting' ? (openQuestion(await eventsOf(tx, request.id))?.from ?? 'received') : request.status;
        detail = { reason: input.reason, question: input.question, from };
        break;
      }
    }
    let updated = onlyRow(await tx.update(requests).set(changes).where(eq(requests.id, request.id)).returning());
    await tx
      .insert(requestEvents)
      .values({ requestId: request.id, occurredAt: now, actor, kind: eventOf[input.action], detail: detail && JSON.stringify(detail) });
    // An erasure request, once answered, keeps only what proves the answer (the answer itself was sent to the person).
    if (erased && !isOpen(status)) {
      await reduceErasureRequest(tx, request.id, now);
      updated = (await tx.select().from(requests).where(eq(requests.id, request.id)).limit(1))[0] ?? updated;
    }
    if (exportContent !== undefined) {
      await tx.insert(requestExports).values({
        requestId: request.id,
        createdAt: now,
        expiresAt: now + exportLifetimeMs,
        content: exportContent.content,
        contentHash: hashToken(exportContent.content),
        packageBase64: exportContent.packageBase64,
      });
    }
    return { ok: true, request: updated };
  });
}

/**
 * The marketing consents an objection to direct marketing ends (Art. 21(3)): the person's (email at their address, SMS
 * and phone under a consent id their requests proved, see `findSubject`) and those under the phone number they gave.
 */
export async function marketingConsentsOf(db: Executor, request: Pick<RequestRow, 'email' | 'phone'>): Promise<MarketingSubscription[]> {
  const linked = [...(await findSubject(db, request.email)).subscriptions, ...(request.phone ? await findByPhone(db, request.phone) : [])];
  const byId = new Map(linked.map(({ subscription }) => [subscription.id, subscription]));
  return [...byId.values()].filter((subscription) => subscription.erasedAt === null);
}

/** Withdraws them in the completion's transaction, recorded as withdrawn by the objection; the counts per channel. */
async function withdrawMarketingOf(tx: Transaction, request: RequestRow, now: number): Promise<Record<string, number>> {
  return withdrawEvery(tx, await marketingConsentsOf(tx, request), { via: 'objection', wording: `Art. 21(3) GDPR: ${request.reference}`, now });
}

/** Records something that happened to a request outside the workflow (a failed email, an export downloaded). */
export async function recordEvent(
  store: Store,
  requestId: number,
  kind: RequestEventKind,
  actor: string,
  now: number,
  detail?: Record<string, unknown>,
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insert(requestEvents).values({ requestId, occurredAt: now, actor, kind, detail: detail ? JSON.stringify(detail) : null });
  });
}

export async function exportOf(db: Executor, requestId: number): Promise<RequestExportRow | undefined> {
  const [found] = await db.select().from(requestExports).where(eq(requestExports.requestId, requestId)).limit(1);
  return found;
}
