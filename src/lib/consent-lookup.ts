import { asc, inArray } from 'drizzle-orm';
import type { PortalDatabase } from '../../db/connection.ts';
import { marketingEvents } from '../../db/schema.ts';
import { consentIdSchema, type ChainCheck } from './consent.ts';
import { checkRecordsInChain, consentHistory, type ConsentRecord } from './consent.repo.ts';
import { emailAddressSchema } from './email-address.ts';
import { subscriptionStatus, type MarketingStatus } from './marketing.ts';
import type { MarketingEvent, MarketingSubscription } from './marketing.repo.ts';
import type { RequestRow } from './requests.repo.ts';
import { findByConsentId, findByPhone, findSubject, type LinkedBy, type LinkedConsentId, type LinkedSubscription, type UnlinkedConsentId } from './subject.repo.ts';

const phoneQuery = /^\+?[\d\s().-]+$/;

export type ConsentLookup =
  | { found: false; problem?: 'invalidQuery' }
  | {
      found: true;
      /** Each consent id with its decisions, oldest first; searched by address, with how it was proven to be theirs. */
      histories: { consentId: string; records: ConsentRecord[]; link?: LinkedConsentId }[];
      /** The check of every record shown, where it sits in the chain. */
      chain: ChainCheck;
      marketing: { subscription: MarketingSubscription; linkedBy: LinkedBy; status: MarketingStatus; events: MarketingEvent[] }[];
      /** By address: the requests under it. By consent id: the requests naming it, each with its proof. */
      requests: RequestRow[];
      /** By address: consent ids named on those requests that are not the person's (unproven, or not verified). */
      unlinkedConsentIds: UnlinkedConsentId[];
    };

/**
 * What a DPO hands a regulator. For a consent id: every decision recorded under it, each checked in the chain, the
 * marketing consents signed up with it and the requests naming it. For an email address: the person as an export
 * or erasure sees them (src/lib/subject.repo.ts): their requests, the decisions under the consent ids proven to be
 * theirs, their marketing consents with the wording they saw; ids their requests only claim are listed apart, to be
 * looked up on their own. For a phone number: the SMS and phone marketing consents under it.
 */
export function lookUpConsent(db: PortalDatabase, query: string): ConsentLookup {
  const text = query.trim();
  if (!text) return { found: false };
  // A phone number (digits, an optional leading +, spaces, dashes, dots, brackets): the SMS and phone consents under it.
  if (phoneQuery.test(text) && text.replace(/\D/g, '').length >= 6) {
    const marketing = withEvents(db, findByPhone(db, text));
    if (!marketing.length) return { found: false };
    return { found: true, histories: [], chain: checkRecordsInChain(db, []), marketing, requests: [], unlinkedConsentIds: [] };
  }
  const consentId = consentIdSchema.safeParse(text);
  const email = consentId.success ? undefined : emailAddressSchema.safeParse(text);
  if (!consentId.success && !email?.success) return { found: false, problem: 'invalidQuery' };
  const found = consentId.success ? byConsentId(db, consentId.data) : byAddress(db, email?.data ?? '');
  const histories = found.histories.map((history) => ({ ...history, records: consentHistory(db, history.consentId) })).filter((history) => history.records.length > 0);
  const marketing = withEvents(db, found.subscriptions);
  if (!histories.length && !marketing.length && !found.requests.length) return { found: false };
  const records = histories.flatMap((history) => history.records).sort((a, b) => a.id - b.id);
  return { found: true, histories, chain: checkRecordsInChain(db, records), marketing, requests: found.requests, unlinkedConsentIds: found.unlinkedConsentIds };
}

function byConsentId(db: PortalDatabase, consentId: string) {
  const { requests, subscriptions } = findByConsentId(db, consentId);
  return { histories: [{ consentId }], subscriptions, requests, unlinkedConsentIds: [] };
}

function byAddress(db: PortalDatabase, email: string) {
  const subject = findSubject(db, email);
  return {
    histories: subject.consentIds.map((link) => ({ consentId: link.consentId, link })),
    subscriptions: subject.subscriptions,
    requests: subject.requests,
    unlinkedConsentIds: subject.unlinkedConsentIds,
  };
}

function withEvents(db: PortalDatabase, subscriptions: readonly LinkedSubscription[]): Extract<ConsentLookup, { found: true }>['marketing'] {
  const ids = subscriptions.map(({ subscription }) => subscription.id);
  const events = ids.length ? db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, ids)).orderBy(asc(marketingEvents.id)).all() : [];
  return subscriptions.map(({ subscription, linkedBy }) => {
    const own = events.filter((event) => event.subscriptionId === subscription.id);
    return { subscription, linkedBy, status: subscriptionStatus(own), events: own };
  });
}
