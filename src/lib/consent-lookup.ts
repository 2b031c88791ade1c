import { asc, inArray } from 'drizzle-orm';
import type { PortalDatabase } from '../../db/connection.ts';
import { marketingEvents } from '../../db/schema.ts';
import { consentIdSchema, type ChainCheck } from './consent.ts';
import { checkRecordsInChain, consentHistory, type ConsentRecord } from './consent.repo.ts';
import { emailAddressSchema } from './email-address.ts';
import { subscriptionStatus, type MarketingStatus } from './marketing.ts';
import type { MarketingEvent, MarketingSubscription } from './marketing.repo.ts';
import type { RequestRow } from './requests.repo.ts';
import { findSubject } from './subject.repo.ts';

export type ConsentLookup =
  | { found: false; problem?: 'invalidQuery' }
  | {
      found: true;
      /** Each consent id with its decisions, oldest first. */
      histories: { consentId: string; records: ConsentRecord[] }[];
      /** The check of every record shown, where it sits in the chain. */
      chain: ChainCheck;
      marketing: { subscription: MarketingSubscription; status: MarketingStatus; events: MarketingEvent[] }[];
      requests: RequestRow[];
    };

/**
 * What a DPO hands a regulator: for a consent id or an email address, every consent decision recorded (through the
 * person's requests and marketing consents, every consent id they are known by), each record checked in the chain,
 * their marketing consents with the wording they saw, and their requests.
 */
export function lookUpConsent(db: PortalDatabase, query: string): ConsentLookup {
  const text = query.trim();
  if (!text) return { found: false };
  const consentId = consentIdSchema.safeParse(text);
  const email = consentId.success ? undefined : emailAddressSchema.safeParse(text);
  if (!consentId.success && !email?.success) return { found: false, problem: 'invalidQuery' };
  const subject = findSubject(db, email?.success ? email.data : undefined, consentId.success ? [consentId.data] : []);
  const histories = subject.consentIds
    .map((id) => ({ consentId: id, records: consentHistory(db, id) }))
    .filter((history) => history.records.length > 0);
  const subscriptionIds = subject.subscriptions.map((row) => row.id);
  const events = subscriptionIds.length
    ? db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, subscriptionIds)).orderBy(asc(marketingEvents.id)).all()
    : [];
  const marketing = subject.subscriptions.map((subscription) => {
    const own = events.filter((event) => event.subscriptionId === subscription.id);
    return { subscription, status: subscriptionStatus(own), events: own };
  });
  if (!histories.length && !marketing.length && !subject.requests.length) return { found: false };
  const records = histories.flatMap((history) => history.records).sort((a, b) => a.id - b.id);
  return { found: true, histories, chain: checkRecordsInChain(db, records), marketing, requests: subject.requests };
}
