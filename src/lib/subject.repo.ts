import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connection.ts';
import { marketingSubscriptions, requests } from '../../db/schema.ts';
import type { MarketingSubscription } from './marketing.repo.ts';
import type { RequestRow } from './requests.repo.ts';

/** What ties records to one person: their requests, their marketing subscriptions, and every consent id among them. */
export interface Subject {
  requests: RequestRow[];
  subscriptions: MarketingSubscription[];
  /** The consent ids named, those on the person's requests and those on their marketing subscriptions, sorted. */
  consentIds: string[];
}

/**
 * Finds a person's records by their email address and the consent ids they named (their request's, their cookie's).
 * Consent ids found on their requests lead to further subscriptions, and those subscriptions' consent ids to further
 * consent records, so a person who gave their email in one place and their cookie in another is found whole.
 */
export function findSubject(db: Queryable, email: string | undefined, namedConsentIds: readonly string[]): Subject {
  // Addresses are compared without regard to case: Ivan@… and ivan@… are the same person to a DPO.
  const address = email?.trim().toLowerCase();
  const byEmail = address ? sql`lower(${requests.email}) = ${address}` : undefined;
  const requestRows = byEmail || namedConsentIds.length
    ? db
        .select()
        .from(requests)
        .where(or(byEmail, namedConsentIds.length ? inArray(requests.consentId, [...namedConsentIds]) : undefined))
        .orderBy(asc(requests.id))
        .all()
    : [];
  const knownIds = unique([...namedConsentIds, ...requestRows.map((row) => row.consentId)]);
  const subscriptionByEmail = address ? and(eq(marketingSubscriptions.channel, 'email'), sql`lower(${marketingSubscriptions.address}) = ${address}`) : undefined;
  const subscriptions =
    subscriptionByEmail || knownIds.length
      ? db
          .select()
          .from(marketingSubscriptions)
          .where(or(subscriptionByEmail, knownIds.length ? inArray(marketingSubscriptions.consentId, knownIds) : undefined))
          .orderBy(asc(marketingSubscriptions.id))
          .all()
      : [];
  return { requests: requestRows, subscriptions, consentIds: unique([...knownIds, ...subscriptions.map((row) => row.consentId)]).sort() };
}

function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null && value !== ''))];
}
