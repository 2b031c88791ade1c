import { and, count, inArray, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/connection.ts';
import { consentRecords, marketingEvents, marketingSubscriptions } from '../../db/schema.ts';
import { erasedConsentId } from './consent.ts';
import type { RequestRow } from './requests.repo.ts';
import { findSubject } from './subject.repo.ts';

/** What an erasure anonymises, counted: kept in the audit trail when the data itself is gone. */
export interface ErasureCounts {
  consentRecords: number;
  marketingSubscriptions: number;
  marketingEvents: number;
}

/** The records an erasure of this request's subject would anonymise now (for the confirmation step). */
export function erasureCounts(db: Queryable, request: Pick<RequestRow, 'email' | 'consentId'>): ErasureCounts {
  return scope(db, request).counts;
}

/**
 * Anonymises what the portal holds about the subject of an erasure request, inside the caller's transaction: their
 * consent records lose their consent id (the chain link stays, so the proof of everyone else's consent still
 * verifies), their marketing subscriptions lose their address and any pending confirmation. Marketing events only
 * name a subscription, so they become anonymous with it. The requests themselves are kept: they are the proof that
 * the person's rights were answered (GDPR art. 5(2) and 17(3)(b)).
 */
export function eraseSubject(tx: Queryable, request: Pick<RequestRow, 'email' | 'consentId'>, now: number): ErasureCounts {
  const { consentIds, subscriptionIds, counts } = scope(tx, request);
  if (consentIds.length) {
    tx.update(consentRecords)
      .set({ consentId: erasedConsentId, erasedAt: now })
      .where(and(inArray(consentRecords.consentId, consentIds), isNull(consentRecords.erasedAt)))
      .run();
  }
  if (subscriptionIds.length) {
    tx.update(marketingSubscriptions)
      .set({ address: 'erased', consentId: null, confirmTokenHash: null, confirmExpiresAt: null, erasedAt: now })
      .where(inArray(marketingSubscriptions.id, subscriptionIds))
      .run();
  }
  return counts;
}

function scope(db: Queryable, request: Pick<RequestRow, 'email' | 'consentId'>) {
  const subject = findSubject(db, request.email, request.consentId ? [request.consentId] : []);
  const subscriptionIds = subject.subscriptions.filter((row) => row.erasedAt === null).map((row) => row.id);
  const consentIds = subject.consentIds;
  const consentRecordCount = consentIds.length
    ? (db.select({ n: count() }).from(consentRecords).where(and(inArray(consentRecords.consentId, consentIds), isNull(consentRecords.erasedAt))).get()?.n ?? 0)
    : 0;
  const eventCount = subscriptionIds.length
    ? (db.select({ n: count() }).from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptionIds)).get()?.n ?? 0)
    : 0;
  return {
    consentIds,
    subscriptionIds,
    counts: { consentRecords: consentRecordCount, marketingSubscriptions: subscriptionIds.length, marketingEvents: eventCount },
  };
}
