import { and, count, inArray, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/connection.ts';
import { consentRecords, marketingEvents, marketingSubscriptions, requestExports, requests } from '../../db/schema.ts';
import { erasedConsentId } from './consent.ts';
import type { RequestRow } from './requests.repo.ts';
import { anonymisedRequestFields } from './retention.repo.ts';
import { findSubject, type LinkedConsentId, type LinkedSubscription, type UnlinkedConsentId } from './subject.repo.ts';

/** What an erasure anonymises, counted: kept in the audit trail when the data itself is gone. */
export interface ErasureCounts {
  consentRecords: number;
  marketingSubscriptions: number;
  marketingEvents: number;
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

export function erasureScope(db: Queryable, request: Pick<RequestRow, 'email'>): ErasureScope {
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
  return {
    counts: {
      consentRecords: consentIds.reduce((total, linked) => total + linked.records, 0),
      marketingSubscriptions: subscriptions.length,
      marketingEvents: eventCount,
    },
    consentIds,
    subscriptions,
    keptRequests: subject.requests.map((row) => row.reference),
    unlinkedConsentIds: subject.unlinkedConsentIds,
  };
}

/** The records an erasure of this request's subject would anonymise now, counted. */
export function erasureCounts(db: Queryable, request: Pick<RequestRow, 'email'>): ErasureCounts {
  return erasureScope(db, request).counts;
}

/**
 * Anonymises what the portal holds about the subject of an erasure request (src/lib/subject.repo.ts says who that
 * is), inside the caller's transaction: the consent records of their proven consent ids lose their consent id (the
 * chain link stays, so the proof of everyone else's consent still verifies), their marketing subscriptions lose their
 * address and any pending confirmation. Marketing events only name a subscription, so they become anonymous with it.
 * The requests themselves are kept: they are the proof that the person's rights were answered (GDPR art. 5(2) and
 * 17(3)(b)).
 */
export function eraseSubject(tx: Queryable, request: Pick<RequestRow, 'id' | 'email'>, now: number): ErasureCounts & { requestsAnonymised: number; exportsDeleted: number } {
  const { consentIds, subscriptions, counts } = erasureScope(tx, request);
  // Their other requests go as retention takes them (no name, address, consent id or free text), and every stored
  // export under the address is deleted: each holds their details and consent history.
  const subjectRequestIds = findSubject(tx, request.email).requests.map((row) => row.id);
  const exportsDeleted = subjectRequestIds.length
    ? tx.delete(requestExports).where(inArray(requestExports.requestId, subjectRequestIds)).returning({ id: requestExports.id }).all().length
    : 0;
  const otherIds = subjectRequestIds.filter((id) => id !== request.id);
  const requestsAnonymised = otherIds.length
    ? tx.update(requests).set(anonymisedRequestFields(now)).where(inArray(requests.id, otherIds)).returning({ id: requests.id }).all().length
    : 0;
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
  return { ...counts, requestsAnonymised, exportsDeleted };
}
