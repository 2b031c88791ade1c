import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/connection.ts';
import { consentRecords, marketingEvents, marketingSubscriptions, requestEvents, requestExports, requests } from '../../db/schema.ts';
import { erasedConsentId } from './consent.ts';
import type { RequestRow } from './requests.repo.ts';
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

export function erasureScope(db: Queryable, request: Pick<RequestRow, 'id' | 'email'>): ErasureScope {
  const subject = findSubject(db, request.email);
  const subscriptions = subject.subscriptions.filter(({ subscription }) => subscription.erasedAt === null);
  const ids = subject.consentIds.map((linked) => linked.consentId);
  const perId = ids.length
    ? db
        .select({ consentId: consentRecords.consentId, n: count() })
        .from(consentRecords)
        .where(and(inArray(consentRecords.consentId, ids), isNull(consentRecords.erasedAt)))
        .groupBy(consentRecords.consentId)
        .all()
    : [];
  const consentIds = subject.consentIds.map((linked) => ({ ...linked, records: perId.find((row) => row.consentId === linked.consentId)?.n ?? 0 }));
  const subscriptionIds = subscriptions.map(({ subscription }) => subscription.id);
  const eventCount = subscriptionIds.length
    ? (db.select({ n: count() }).from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptionIds)).get()?.n ?? 0)
    : 0;
  const requestIds = subject.requests.map((row) => row.id);
  const exportCount = requestIds.length ? (db.select({ n: count() }).from(requestExports).where(inArray(requestExports.requestId, requestIds)).get()?.n ?? 0) : 0;
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
export function erasureCounts(db: Queryable, request: Pick<RequestRow, 'id' | 'email'>): ErasureCounts {
  return erasureScope(db, request).counts;
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
export function eraseSubject(tx: Queryable, request: Pick<RequestRow, 'id' | 'email' | 'reference'>, now: number): ErasureCounts {
  const { consentIds, subscriptions, counts } = erasureScope(tx, request);
  const subjectRequestIds = findSubject(tx, request.email).requests.map((row) => row.id);
  if (subjectRequestIds.length) tx.delete(requestExports).where(inArray(requestExports.requestId, subjectRequestIds)).run();
  const otherIds = subjectRequestIds.filter((id) => id !== request.id);
  const anonymised = otherIds.length
    ? tx.update(requests).set(anonymisedRequestFields(now)).where(and(inArray(requests.id, otherIds), isNull(requests.anonymisedAt))).returning({ id: requests.id }).all()
    : [];
  if (anonymised.length) {
    redactRequestEvents(tx, otherIds, now);
    const detail = JSON.stringify({ by: 'erasure', erasure: request.reference });
    tx.insert(requestEvents)
      .values(anonymised.map(({ id }) => ({ requestId: id, occurredAt: now, actor: 'system', kind: 'anonymised', detail })))
      .run();
  }
  const ids = consentIds.map((linked) => linked.consentId);
  if (ids.length) {
    tx.update(consentRecords)
      .set({ consentId: erasedConsentId, consentSalt: null, erasedAt: now })
      .where(and(inArray(consentRecords.consentId, ids), isNull(consentRecords.erasedAt)))
      .run();
  }
  const subscriptionIds = subscriptions.map(({ subscription }) => subscription.id);
  if (subscriptionIds.length) {
    tx.update(marketingSubscriptions)
      .set({ address: 'erased', addressKey: 'erased', consentId: null, confirmTokenHash: null, confirmExpiresAt: null, erasedAt: now })
      .where(inArray(marketingSubscriptions.id, subscriptionIds))
      .run();
  }
  return counts;
}

/**
 * What an erasure request keeps once it is answered (completed or rejected after its erasure ran): only what proves
 * it was answered: reference, type, language, status, dates, deadline facts, and the erasure's counts in its audit
 * trail. Name, address, consent id and every free text go, from the row (the answer was sent already) and from its
 * events. Its status link still opens it, so the person sees that it was answered and nothing more.
 */
export function reduceErasureRequest(tx: Queryable, requestId: number, now: number): void {
  const { statusTokenHash: _kept, ...fields } = anonymisedRequestFields(now);
  tx.update(requests).set(fields).where(eq(requests.id, requestId)).run();
  redactRequestEvents(tx, [requestId], now);
  tx.insert(requestEvents).values({ requestId, occurredAt: now, actor: 'system', kind: 'anonymised', detail: JSON.stringify({ by: 'erasure' }) }).run();
}
