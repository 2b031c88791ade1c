import type { ConsentIdProof, MarketingSubscription, RequestRow } from '../../db/rows.ts';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../../db/store.ts';
import { marketingSubscriptions, requests } from '../../db/tables.ts';
import { emailLookupKey, phoneLookupKey } from './email-address.ts';

/** What ties a record to a person: the email address of their request, or a consent id proven to be theirs. */
export type LinkedBy = 'address' | 'consentId';

/** A consent id proven to be the person's, with how and on which of their requests. */
export interface LinkedConsentId {
  consentId: string;
  provenBy: ConsentIdProof;
  reference: string;
}

/** A consent id named on one of the person's requests that links nothing: unproven, or its request not verified. */
export interface UnlinkedConsentId {
  consentId: string;
  reference: string;
  /** Null: only typed or given to the API. Set: proven, but the request's identity is not verified yet. */
  provenBy: ConsentIdProof | null;
}

export interface LinkedSubscription {
  subscription: MarketingSubscription;
  linkedBy: LinkedBy;
}

/** One person as the portal knows them from the address of a request (schema of an export, scope of an erasure). */
export interface Subject {
  /** Every request under the address, oldest first. */
  requests: RequestRow[];
  /** The proven consent ids, sorted: the consent records under them are the person's. */
  consentIds: LinkedConsentId[];
  /** Email marketing at the address; SMS and phone marketing signed up with a proven consent id. Oldest first. */
  subscriptions: LinkedSubscription[];
  unlinkedConsentIds: UnlinkedConsentId[];
}

/**
 * Finds a person by the email address of their request, compared in their lookup form (`emailLookupKey`: Unicode case
 * folding, NFC, the domain in Unicode; Иван@… and иван@… are the same person to a DPO). Their requests are those under that address. A consent id counts as theirs only when one of
 * those requests proved it (sent from the browser holding it, or linked by the DPO after a check) and that request's
 * identity was verified: a typed id is a claim anyone can make. Through a proven consent id come its consent records
 * and the SMS and phone marketing consents signed up with it. Email marketing joins by its address alone: a consent
 * id proves a browser, not an address, so requests and email marketing under another address never join.
 */
export async function findSubject(db: Executor, email: string): Promise<Subject> {
  const address = email.trim() ? emailLookupKey(email) : '';
  const requestRows = address ? await db.select().from(requests).where(eq(requests.emailKey, address)).orderBy(asc(requests.id)) : [];
  const consentIds: LinkedConsentId[] = [];
  const unlinkedConsentIds: UnlinkedConsentId[] = [];
  for (const row of requestRows) {
    if (!row.consentId || consentIds.some((linked) => linked.consentId === row.consentId)) continue;
    if (row.consentIdLinkedBy !== null && row.verifiedAt !== null)
      consentIds.push({ consentId: row.consentId, provenBy: row.consentIdLinkedBy, reference: row.reference });
    else unlinkedConsentIds.push({ consentId: row.consentId, reference: row.reference, provenBy: row.consentIdLinkedBy });
  }
  consentIds.sort((a, b) => (a.consentId < b.consentId ? -1 : 1));
  const linkedIds = consentIds.map((linked) => linked.consentId);
  const byAddress = address ? and(eq(marketingSubscriptions.channel, 'email'), eq(marketingSubscriptions.addressKey, address)) : undefined;
  const byConsentId = linkedIds.length
    ? and(inArray(marketingSubscriptions.channel, ['sms', 'phone']), inArray(marketingSubscriptions.consentId, linkedIds))
    : undefined;
  const subscriptions =
    byAddress || byConsentId ? await db.select().from(marketingSubscriptions).where(or(byAddress, byConsentId)).orderBy(asc(marketingSubscriptions.id)) : [];
  return {
    requests: requestRows,
    consentIds,
    subscriptions: subscriptions.map((subscription) => ({ subscription, linkedBy: subscription.channel === 'email' ? 'address' : 'consentId' })),
    unlinkedConsentIds: unlinkedConsentIds.filter((unlinked) => !linkedIds.includes(unlinked.consentId)),
  };
}

/** For the DPO's search by consent id: the requests naming it (proven or not) and the marketing consents made with it. */
export async function findByConsentId(db: Executor, consentId: string): Promise<{ requests: RequestRow[]; subscriptions: LinkedSubscription[] }> {
  const subscriptions = await db
    .select()
    .from(marketingSubscriptions)
    .where(eq(marketingSubscriptions.consentId, consentId))
    .orderBy(asc(marketingSubscriptions.id));
  return {
    requests: await db.select().from(requests).where(eq(requests.consentId, consentId)).orderBy(asc(requests.id)),
    subscriptions: subscriptions.map((subscription) => ({ subscription, linkedBy: 'consentId' as const })),
  };
}

/** For the DPO's search by phone number: the SMS and phone marketing consents under it, compared digits only. */
export async function findByPhone(db: Executor, phone: string): Promise<LinkedSubscription[]> {
  const subscriptions = await db
    .select()
    .from(marketingSubscriptions)
    .where(and(inArray(marketingSubscriptions.channel, ['sms', 'phone']), eq(marketingSubscriptions.addressKey, phoneLookupKey(phone))))
    .orderBy(asc(marketingSubscriptions.id));
  return subscriptions.map((subscription) => ({ subscription, linkedBy: 'address' as const }));
}
