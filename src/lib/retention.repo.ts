import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt, lte, not, sql, type SQLWrapper } from 'drizzle-orm';
import { takeConsentChainLock } from '../../db/postgres/consent-chain-lock.ts';
import { postgresTransactionOf } from '../../db/postgres/store.ts';
import type { Store, Transaction } from '../../db/store.ts';
import { concatText } from './sql-dialect.ts';
import { consentRecords, consentRetentionCheckpoints, requestEvents, requestExports, requestFiles, requestTasks, requests } from '../../db/tables.ts';
import { recordAuditEvent } from './audit.repo.ts';
import { redactEventDetail, retentionCutoffs, type Retention, type RetentionCutoffs } from './retention.ts';
import { expiredExportRenewableMs } from './requests.ts';

export const retentionActor = 'system:retention';
export const retentionEventKind = 'retention-applied';
/** What an anonymised request holds in place of the requester's name. */
export const anonymisedValue = 'anonymised';
/**
 * And in place of their email address: still an address in form, as the request.v1 JSON promises, but on a domain
 * reserved never to exist (RFC 2606), so it is nobody's and no mail can go to it.
 */
export const anonymisedEmail = 'anonymised@retention.invalid';

/** What one retention run did (or, on a dry run, would do): counts and cutoffs, never personal data. */
export interface RetentionReport {
  now: number;
  retention: Retention;
  cutoffs: RetentionCutoffs;
  consentRecords: {
    deleted: number;
    /** The id of the last record deleted (the new checkpoint), when any was. */
    upToId: number | null;
  };
  closedRequests: { anonymised: number; exportsDeleted: number; eventDetailsRedacted: number };
  /** Exports 30 days past their own expiry (request_exports.expires_at), deleted whatever their request's age. */
  expiredExports: { deleted: number };
  /** The audit event of the run; null on a dry run. */
  auditEventId: number | null;
}

export interface RetentionRun {
  now: number;
  retention: Retention;
  timeZone: string;
  dryRun?: boolean;
}

class DryRunRollback extends Error {
  readonly report: RetentionReport;
  constructor(report: RetentionReport) {
    super('dry run');
    this.report = report;
  }
}

/**
 * Applies the retention periods in one IMMEDIATE transaction, so a run is all or nothing and the consent writers
 * wait for it instead of forking the chain: deletes the expired oldest stretch of consent records behind a checkpoint,
 * anonymises closed requests past their period (and deletes their exports, redacts their events' free texts), deletes
 * every export 30 days past its expiry (`expiredExportRenewableMs`: until then the DPO can renew it), and
 * records an audit event with the counts, also when there was nothing to do. A dry run does the same and rolls back.
 */
export async function applyRetention(store: Store, run: RetentionRun): Promise<RetentionReport> {
  const cutoffs = retentionCutoffs(run.now, run.retention, run.timeZone);
  try {
    return await store.transaction(async (tx) => {
      const consent = await deleteExpiredConsentRecords(tx, cutoffs.consentRecords, run.now);
      const closed = await anonymiseClosedRequests(tx, cutoffs.closedRequests, run.now);
      const expiredExports = {
        deleted: (
          await tx
            .delete(requestExports)
            .where(lt(requestExports.expiresAt, run.now - expiredExportRenewableMs))
            .returning({ id: requestExports.id })
        ).length,
      };
      const report: RetentionReport = {
        now: run.now,
        retention: run.retention,
        cutoffs,
        consentRecords: consent,
        closedRequests: closed,
        expiredExports,
        auditEventId: null,
      };
      if (run.dryRun) throw new DryRunRollback(report);
      const event = await recordAuditEvent(tx, { actor: retentionActor, kind: retentionEventKind, occurredAt: run.now, detail: auditDetail(report) });
      return { ...report, auditEventId: event.id };
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

function auditDetail(report: RetentionReport) {
  return {
    consentRecords: {
      periodMonths: report.retention.consentRecordsMonths,
      cutoff: new Date(report.cutoffs.consentRecords).toISOString(),
      ...report.consentRecords,
    },
    closedRequests: {
      periodMonths: report.retention.closedRequestsMonths,
      cutoff: new Date(report.cutoffs.closedRequests).toISOString(),
      ...report.closedRequests,
    },
    expiredExports: report.expiredExports,
  };
}

/**
 * Consent records are chained, so only the oldest stretch can go: the longest run of records from the start of the
 * remaining chain that were all recorded before the cutoff and have all expired. The first record still needed
 * (recent, or a consent possibly still in effect) ends it, even if older expired records follow. A checkpoint with the
 * hash of the last removed record is written first, so the chain still verifies from there (and the trigger allows
 * the delete).
 */
async function deleteExpiredConsentRecords(tx: Transaction, cutoff: number, now: number): Promise<RetentionReport['consentRecords']> {
  // Moving the chain's start is a change to the chain: on PostgreSQL it waits for appends under way, as they wait for it.
  const postgres = postgresTransactionOf(tx);
  if (postgres) await takeConsentChainLock(postgres);
  const expired = and(lt(consentRecords.recordedAt, cutoff), lt(consentRecords.expiresAt, now));
  const [firstKept] = await tx
    .select({ id: consentRecords.id })
    .from(consentRecords)
    .where(not(expired ?? sql`true`))
    .orderBy(asc(consentRecords.id))
    .limit(1);
  const [last] = await tx
    .select({ id: consentRecords.id, recordHash: consentRecords.recordHash })
    .from(consentRecords)
    .where(firstKept ? lt(consentRecords.id, firstKept.id) : undefined)
    .orderBy(desc(consentRecords.id))
    .limit(1);
  if (!last) return { deleted: 0, upToId: null };
  const deleted = (await tx.select({ n: count() }).from(consentRecords).where(lte(consentRecords.id, last.id)))[0]?.n ?? 0;
  await tx.insert(consentRetentionCheckpoints).values({ upToId: last.id, lastDeletedHash: last.recordHash, deletedCount: deleted, occurredAt: now });
  await tx.delete(consentRecords).where(lte(consentRecords.id, last.id));
  return { deleted, upToId: last.id };
}

/**
 * What an anonymised request holds in place of everything about the person (retention, and an erasure for the
 * person's other requests): reference, type, language, status, dates and deadline facts stay.
 */
export function anonymisedRequestFields(now: number) {
  return {
    name: anonymisedValue,
    email: anonymisedEmail,
    emailKey: anonymisedEmail,
    nameKey: null,
    customerReference: null,
    phone: null,
    consentId: null,
    consentIdLinkedBy: null,
    details: null,
    inaccurateData: null,
    correctData: null,
    scope: null,
    grounds: null,
    // An extended request's JSON promises a reason; the marker says it was there and is gone.
    extensionReason: sql`case when ${requests.extensionDays} is null then null else ${anonymisedValue} end`,
    outcome: null,
    // Unique and never the SHA-256 of any token: no status link opens the request again.
    statusTokenHash: concatText(`${anonymisedValue}:`, requests.id),
    verifyTokenHash: null,
    verifyExpiresAt: null,
    anonymisedAt: now,
  };
}

/** Completed and rejected requests: the only ones with a closing date. */
const closedStatuses = ['completed', 'rejected'] as const;

/**
 * A closed request past its period keeps what proves the right was answered (reference, type, language, status,
 * dates, deadline and extension days) and loses everything about the person: name, email, customer reference,
 * consent id, every free text they or the DPO wrote, and its tokens (the status link stops working). Its JSON export
 * is deleted. Its audit events keep who acted, when and what; the free texts in their detail are removed.
 */
async function anonymiseClosedRequests(tx: Transaction, cutoff: number, now: number): Promise<RetentionReport['closedRequests']> {
  const anonymised = (
    await tx
      .update(requests)
      .set(anonymisedRequestFields(now))
      .where(and(inArray(requests.status, closedStatuses), lt(requests.closedAt, cutoff), isNull(requests.anonymisedAt)))
      .returning({ id: requests.id })
  ).length;
  const ofAnonymised = tx.select({ id: requests.id }).from(requests).where(isNotNull(requests.anonymisedAt));
  const exportsDeleted = (await tx.delete(requestExports).where(inArray(requestExports.requestId, ofAnonymised)).returning({ id: requestExports.id })).length;
  // The data the systems' tasks collected and the files of an anonymised request are personal data: gone with it.
  await tx.delete(requestFiles).where(inArray(requestFiles.requestId, ofAnonymised));
  await tx
    .update(requestTasks)
    .set({ result: null, updatedAt: now })
    .where(and(inArray(requestTasks.requestId, ofAnonymised), isNotNull(requestTasks.result)));
  // Including notes a DPO added after an earlier run anonymised the request.
  const eventDetailsRedacted = await redactRequestEvents(tx, ofAnonymised, now);
  return { anonymised, exportsDeleted, eventDetailsRedacted };
}

/**
 * Removes the free texts from the audit events of anonymised requests (`redactEventDetail` says what stays), inside
 * the caller's transaction; the triggers allow it only once the request is anonymised. Returns how many changed.
 */
export async function redactRequestEvents(tx: Transaction, ofRequests: SQLWrapper | number[], now: number): Promise<number> {
  const events = await tx
    .select({ id: requestEvents.id, detail: requestEvents.detail })
    .from(requestEvents)
    .where(and(isNull(requestEvents.redactedAt), isNotNull(requestEvents.detail), inArray(requestEvents.requestId, ofRequests)));
  let redacted = 0;
  for (const event of events) {
    const detail = redactEventDetail(event.detail);
    if (detail === undefined) continue;
    await tx.update(requestEvents).set({ detail, redactedAt: now }).where(eq(requestEvents.id, event.id));
    redacted += 1;
  }
  return redacted;
}
