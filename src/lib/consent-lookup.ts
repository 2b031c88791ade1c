import type { ConsentRecord, MarketingEvent, MarketingSubscription, RequestRow } from '../../db/rows.ts';
import { asc, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/store.ts';
import { marketingEvents } from '../../db/tables.ts';
import { consentIdSchema, type ChainCheck } from './consent.ts';
import { checkRecordsInChain, consentHistory } from './consent.repo.ts';
import { emailAddressSchema } from './email-address.ts';
import { subscriptionStatus, type MarketingStatus } from './marketing.ts';
import {
  findByConsentId,
  findByPhone,
  findSubject,
  type LinkedBy,
  type LinkedConsentId,
  type LinkedSubscription,
  type UnlinkedConsentId,
} from './subject.repo.ts';

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
export async function lookUpConsent(db: Executor, query: string): Promise<ConsentLookup> {
  const text = query.trim();
  if (!text) return { found: false };
  // A phone number (digits, an optional leading +, spaces, dashes, dots, brackets): the SMS and phone consents under it.
  if (phoneQuery.test(text) && text.replace(/\D/g, '').length >= 6) {
    const marketing = await withEvents(db, await findByPhone(db, text));
    if (!marketing.length) return { found: false };
    return { found: true, histories: [], chain: await checkRecordsInChain(db, []), marketing, requests: [], unlinkedConsentIds: [] };
  }
  const consentId = consentIdSchema.safeParse(text);
  const email = consentId.success ? undefined : emailAddressSchema.safeParse(text);
  if (!consentId.success && !email?.success) return { found: false, problem: 'invalidQuery' };
  const found = consentId.success ? await byConsentId(db, consentId.data) : await byAddress(db, email?.data ?? '');
  const histories: Extract<ConsentLookup, { found: true }>['histories'] = [];
  for (const history of found.histories) {
    const records = await consentHistory(db, history.consentId);
    if (records.length > 0) histories.push({ ...history, records });
  }
  const marketing = await withEvents(db, found.subscriptions);
  if (!histories.length && !marketing.length && !found.requests.length) return { found: false };
  const records = histories.flatMap((history) => history.records).sort((a, b) => a.id - b.id);
  return {
    found: true,
    histories,
    chain: await checkRecordsInChain(db, records),
    marketing,
    requests: found.requests,
    unlinkedConsentIds: found.unlinkedConsentIds,
  };
}

async function byConsentId(db: Executor, consentId: string) {
  const { requests, subscriptions } = await findByConsentId(db, consentId);
  return { histories: [{ consentId }] as { consentId: string; link?: LinkedConsentId }[], subscriptions, requests, unlinkedConsentIds: [] };
}

async function byAddress(db: Executor, email: string) {
  const subject = await findSubject(db, email);
  return {
    histories: subject.consentIds.map((link) => ({ consentId: link.consentId, link })),
    subscriptions: subject.subscriptions,
    requests: subject.requests,
    unlinkedConsentIds: subject.unlinkedConsentIds,
  };
}

async function withEvents(db: Executor, subscriptions: readonly LinkedSubscription[]): Promise<Extract<ConsentLookup, { found: true }>['marketing']> {
  const ids = subscriptions.map(({ subscription }) => subscription.id);
  const events = ids.length ? await db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, ids)).orderBy(asc(marketingEvents.id)) : [];
  return subscriptions.map(({ subscription, linkedBy }) => {
    const own = events.filter((event) => event.subscriptionId === subscription.id);
    return { subscription, linkedBy, status: subscriptionStatus(own), events: own };
  });
}
