import { and, asc, desc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import { marketingLookupKey } from './email-address.ts';
import type { PortalDatabase } from '../../db/connection.ts';
import { marketingEvents, marketingSubscriptions } from '../../db/schema.ts';
import { confirmationLifetimeMs, hashToken, subscriptionStatus, type MarketingChannel, type MarketingStatus } from './marketing.ts';

export type MarketingSubscription = typeof marketingSubscriptions.$inferSelect;
export type MarketingEvent = typeof marketingEvents.$inferSelect;
type Via = MarketingEvent['via'];

export interface SignupInput {
  channel: MarketingChannel;
  address: string;
  locale: string;
  consentId: string | undefined;
  policyVersion: number;
  wording: string;
  /** Hash of the confirmation token (email); undefined for channels recorded as given at once. */
  confirmTokenHash: string | undefined;
  now: number;
}

/**
 * Records a sign-up: the subscription and its `requested` event; for SMS and phone (no confirmation channel here)
 * the `confirmed` event follows at once. One transaction.
 *
 * One confirmation waits per address at a time: while an earlier sign-up of the channel and address still waits for
 * its link (not used, not expired, not withdrawn), a sign-up with a confirmation writes nothing and returns undefined,
 * so whoever repeats someone's address, from however many connections, sends no second mail. Addresses are compared
 * in their lookup form (`marketingLookupKey`: case-folded in every script, numbers without spaces or dashes).
 */
export function recordSignup(db: PortalDatabase, input: SignupInput): MarketingSubscription | undefined {
  return db.transaction((tx) => {
    if (input.confirmTokenHash) {
      const pending = tx
        .select({ id: marketingSubscriptions.id })
        .from(marketingSubscriptions)
        .where(
          and(
            eq(marketingSubscriptions.channel, input.channel),
            eq(marketingSubscriptions.addressKey, marketingLookupKey(input.channel, input.address)),
            isNotNull(marketingSubscriptions.confirmTokenHash),
            gte(marketingSubscriptions.confirmExpiresAt, input.now),
          ),
        )
        .get();
      if (pending) return undefined;
    }
    const subscription = tx
      .insert(marketingSubscriptions)
      .values({
        channel: input.channel,
        address: input.address,
        addressKey: marketingLookupKey(input.channel, input.address),
        locale: input.locale,
        consentId: input.consentId ?? null,
        confirmTokenHash: input.confirmTokenHash ?? null,
        confirmExpiresAt: input.confirmTokenHash ? input.now + confirmationLifetimeMs : null,
        createdAt: input.now,
      })
      .returning()
      .get();
    const event = { subscriptionId: subscription.id, occurredAt: input.now, via: 'preferences' as const, policyVersion: input.policyVersion, wording: input.wording };
    tx.insert(marketingEvents).values({ ...event, event: 'requested' }).run();
    if (!input.confirmTokenHash) tx.insert(marketingEvents).values({ ...event, event: 'confirmed' }).run();
    return subscription;
  });
}

/**
 * Confirms the subscription a token belongs to: single use (the token hash is cleared) and valid for 72 hours.
 * Returns the subscription, or undefined for an unknown, used or expired token.
 */
export function confirmSignup(
  db: PortalDatabase,
  token: string,
  confirmation: { policyVersion: number; wording: string; now: number },
): MarketingSubscription | undefined {
  return db.transaction((tx) => {
    const subscription = tx.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.confirmTokenHash, hashToken(token))).get();
    if (!subscription || (subscription.confirmExpiresAt ?? 0) < confirmation.now) return undefined;
    tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscription.id)).run();
    tx.insert(marketingEvents)
      .values({ subscriptionId: subscription.id, event: 'confirmed', occurredAt: confirmation.now, via: 'confirmation-link', policyVersion: confirmation.policyVersion, wording: confirmation.wording })
      .run();
    return subscription;
  });
}

/** Withdraws a subscription (idempotent: a second withdrawal records nothing). */
export function withdrawSignup(
  db: PortalDatabase,
  subscriptionId: number,
  withdrawal: { via: Via; policyVersion: number; wording: string; now: number },
): MarketingSubscription | undefined {
  return db.transaction((tx) => {
    const subscription = tx.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.id, subscriptionId)).get();
    if (!subscription) return undefined;
    const events = tx.select().from(marketingEvents).where(eq(marketingEvents.subscriptionId, subscriptionId)).orderBy(asc(marketingEvents.id)).all();
    if (subscriptionStatus(events) === 'withdrawn') return subscription;
    tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscriptionId)).run();
    tx.insert(marketingEvents)
      .values({ subscriptionId, event: 'withdrawn', occurredAt: withdrawal.now, via: withdrawal.via, policyVersion: withdrawal.policyVersion, wording: withdrawal.wording })
      .run();
    return subscription;
  });
}

export interface SubscriptionState {
  subscription: MarketingSubscription;
  status: MarketingStatus;
  events: MarketingEvent[];
}

/** The newest subscription per channel linked to a consent id, with its events. */
export function subscriptionsOfConsent(db: PortalDatabase, consentId: string): Partial<Record<MarketingChannel, SubscriptionState>> {
  const subscriptions = db.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.consentId, consentId)).orderBy(desc(marketingSubscriptions.id)).all();
  const newest = new Map<MarketingChannel, MarketingSubscription>();
  for (const subscription of subscriptions) if (!newest.has(subscription.channel)) newest.set(subscription.channel, subscription);
  const ids = [...newest.values()].map((subscription) => subscription.id);
  const events = ids.length ? db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, ids)).orderBy(asc(marketingEvents.id)).all() : [];
  const states: Partial<Record<MarketingChannel, SubscriptionState>> = {};
  for (const [channel, subscription] of newest) {
    const own = events.filter((event) => event.subscriptionId === subscription.id);
    states[channel] = { subscription, status: subscriptionStatus(own), events: own };
  }
  return states;
}

export function findSubscription(db: PortalDatabase, id: number, consentId?: string): MarketingSubscription | undefined {
  const where = consentId ? and(eq(marketingSubscriptions.id, id), eq(marketingSubscriptions.consentId, consentId)) : eq(marketingSubscriptions.id, id);
  return db.select().from(marketingSubscriptions).where(where).get();
}

/** Whether a confirmation token still waits to be used (unknown, used and expired tokens do not). */
export function confirmationPending(db: PortalDatabase, token: string, now: number): boolean {
  const subscription = db.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.confirmTokenHash, hashToken(token))).get();
  return subscription !== undefined && (subscription.confirmExpiresAt ?? 0) >= now;
}
