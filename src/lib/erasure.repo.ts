import type { RequestRow } from '../../db/rows.ts';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor, Transaction } from '../../db/store.ts';
import {
  consentRecords,
  marketingEvents,
  marketingSubscriptions,
  requestEvents,
  requestExports,
  requestFiles,
  requestTasks,
  requests,
} from '../../db/tables.ts';
import { erasedConsentId } from './consent.ts';
import { anonymisedRequestFields, redactRequestEvents } from './retention.repo.ts';
import { findSubject, type LinkedConsentId, type LinkedSubscription, type UnlinkedConsentId } from './subject.repo.ts';

/** What an erasure anonymises, counted: kept in the audit trail when the data itself is gone. */
export interface ErasureCounts {
  consentRecords: number;
  marketingSubscriptions: number;
  marketingEvents: number;
  /** The person's other requests, anonymised. */
  requestsAnonymised: number;
  /** Stored exports under the address, deleted. */
  exportsDeleted: number;
}

/** What an erasure of a request's subject would anonymise now, item by item with what links it (the DPO's review). */
export interface ErasureScope {
  counts: ErasureCounts;
  /** Each proven consent id with the number of its consent records not yet erased. */
  consentIds: (LinkedConsentId & { records: number })[];
  /** The marketing consents not yet erased. */
  subscriptions: LinkedSubscription[];
  /** The requests under the address: kept, as the proof that the person's rights were answered. */
  keptRequests: string[];
  /** Consent ids named on the person's requests that link nothing: nothing under them is erased. */
  unlinkedConsentIds: UnlinkedConsentId[];
}

export async function erasureScope(db: Executor, request: Pick<RequestRow, 'id' | 'email'>): Promise<ErasureScope> {
  const subject = await findSubject(db, request.email);
  const subscriptions = subject.subscriptions.filter(({ subscription }) => subscription.erasedAt === null);
  const ids = subject.consentIds.map((linked) => linked.consentId);
  const perId = ids.length
    ? await db
        .select({ consentId: consentRecords.consentId, n: count() })
        .from(consentRecords)
        .where(and(inArray(consentRecords.consentId, ids), isNull(consentRecords.erasedAt)))
        .groupBy(consentRecords.consentId)
    : [];
  const consentIds = subject.consentIds.map((linked) => ({ ...linked, records: perId.find((row) => row.consentId === linked.consentId)?.n ?? 0 }));
  const subscriptionIds = subscriptions.map(({ subscription }) => subscription.id);
  const eventCount = subscriptionIds.length
    ? ((await db.select({ n: count() }).from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptionIds)))[0]?.n ?? 0)
    : 0;
  const requestIds = subject.requests.map((row) => row.id);
  const exportCount = requestIds.length
    ? ((await db.select({ n: count() }).from(requestExports).where(inArray(requestExports.requestId, requestIds)))[0]?.n ?? 0)
    : 0;
  return {
    counts: {
      consentRecords: consentIds.reduce((total, linked) => total + linked.records, 0),
      marketingSubscriptions: subscriptions.length,
      marketingEvents: eventCount,
      requestsAnonymised: subject.requests.filter((row) => row.id !== request.id && row.anonymisedAt === null).length,
      exportsDeleted: exportCount,
    },
    consentIds,
    subscriptions,
    keptRequests: subject.requests.map((row) => row.reference),
    unlinkedConsentIds: subject.unlinkedConsentIds,
  };
}

/** The records an erasure of this request's subject would anonymise now, counted. */
export async function erasureCounts(db: Executor, request: Pick<RequestRow, 'id' | 'email'>): Promise<ErasureCounts> {
  return (await erasureScope(db, request)).counts;
}

/**
 * Anonymises what the portal holds about the subject of an erasure request (src/lib/subject.repo.ts says who that
 * is), inside the caller's transaction: the consent records of their proven consent ids lose their consent id and
 * its salt (the chain link stays, so the proof of everyone else's consent still verifies), their marketing
 * subscriptions lose their address and any pending confirmation (marketing events only name a subscription, so they
 * become anonymous with it), every stored export under the address is deleted, and their other requests are
 * anonymised as retention would: no name, address, consent id or free text, in the row or in its audit events, with
 * an `anonymised` event naming this erasure. This request keeps the address until it is answered
 * (`reduceErasureRequest`), so the answer can still reach the person.
 */
export async function eraseSubject(tx: Transaction, request: Pick<RequestRow, 'id' | 'email' | 'reference'>, now: number): Promise<ErasureCounts> {
  const { consentIds, subscriptions, counts } = await erasureScope(tx, request);
  const subjectRequestIds = (await findSubject(tx, request.email)).requests.map((row) => row.id);
  if (subjectRequestIds.length) await tx.delete(requestExports).where(inArray(requestExports.requestId, subjectRequestIds));
  const otherIds = subjectRequestIds.filter((id) => id !== request.id);
  // What the systems' tasks collected for the person's other requests, and every file of theirs, goes too; this
  // request's own tasks hold counts only.
  if (subjectRequestIds.length) await tx.delete(requestFiles).where(inArray(requestFiles.requestId, subjectRequestIds));
  if (otherIds.length) await tx.update(requestTasks).set({ result: null, updatedAt: now }).where(inArray(requestTasks.requestId, otherIds));
  const anonymised = otherIds.length
    ? await tx
        .update(requests)
        .set(anonymisedRequestFields(now))
        .where(and(inArray(requests.id, otherIds), isNull(requests.anonymisedAt)))
        .returning({ id: requests.id })
    : [];
  if (anonymised.length) {
    await redactRequestEvents(tx, otherIds, now);
    const detail = JSON.stringify({ by: 'erasure', erasure: request.reference });
    await tx
      .insert(requestEvents)
      .values(anonymised.map(({ id }) => ({ requestId: id, occurredAt: now, actor: 'system', kind: 'anonymised' as const, detail })));
  }
  const ids = consentIds.map((linked) => linked.consentId);
  if (ids.length) {
    await tx
      .update(consentRecords)
      .set({ consentId: erasedConsentId, consentSalt: null, erasedAt: now })
      .where(and(inArray(consentRecords.consentId, ids), isNull(consentRecords.erasedAt)));
  }
  const subscriptionIds = subscriptions.map(({ subscription }) => subscription.id);
  if (subscriptionIds.length) {
    await tx
      .update(marketingSubscriptions)
      .set({ address: 'erased', addressKey: 'erased', consentId: null, confirmTokenHash: null, confirmExpiresAt: null, erasedAt: now })
      .where(inArray(marketingSubscriptions.id, subscriptionIds));
  }
  return counts;
}

/**
 * What an erasure request keeps once it is answered (completed or rejected after its erasure ran): only what proves
 * it was answered: reference, type, language, status, dates, deadline facts, and the erasure's counts in its audit
 * trail. Name, address, consent id and every free text go, from the row (the answer was sent already) and from its
 * events. Its status link still opens it, so the person sees that it was answered and nothing more.
 */
export async function reduceErasureRequest(tx: Transaction, requestId: number, now: number): Promise<void> {
  const { statusTokenHash: _kept, ...fields } = anonymisedRequestFields(now);
  await tx.update(requests).set(fields).where(eq(requests.id, requestId));
  await redactRequestEvents(tx, [requestId], now);
  await tx.insert(requestEvents).values({ requestId, occurredAt: now, actor: 'system', kind: 'anonymised', detail: JSON.stringify({ by: 'erasure' }) });
}
