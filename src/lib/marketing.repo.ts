import { and, asc, desc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { PortalDatabase, Queryable } from '../../db/connection.ts';
import { marketingLookupKey } from './email-address.ts';
import { marketingEvents, marketingSubscriptions } from '../../db/schema.ts';
import { confirmationLifetimeMs, confirmedByCode, hashToken, subscriptionStatus, type MarketingChannel, type MarketingStatus } from './marketing.ts';

export type MarketingSubscription = typeof marketingSubscriptions.$inferSelect;
export type MarketingEvent = typeof marketingEvents.$inferSelect;
type Via = MarketingEvent['via'];

export interface SignupInput {
  channel: MarketingChannel;
  address: string;
  locale: string;
  /** The portal always passes one (issued at sign-up when the visitor has none); rows from before may lack it. */
  consentId: string | undefined;
  policyVersion: number;
  wording: string;
  /** What is stored of the confirmation sent: a link's token hash, or a code's salted HMAC (src/lib/marketing.ts). */
  confirmTokenHash: string;
  /** When the confirmation expires; a link's 72 hours when not given. */
  confirmExpiresAt?: number | undefined;
  now: number;
}

/**
 * Records a sign-up: the subscription and its `requested` event, in one transaction. It is not active until the
 * person confirms it: by the link mailed to the address, or by the code sent by SMS to the number (SMS and phone).
 *
 * One confirmation waits per address at a time: while an earlier sign-up still waits for its link or code (not used,
 * not expired, not withdrawn), a sign-up writes nothing and returns undefined, so whoever repeats someone's address,
 * from however many connections, sends no second mail or SMS. A number is one address for SMS and phone alike (both
 * get their code by SMS). Addresses are compared in their lookup form (`marketingLookupKey`: case-folded in every
 * script, numbers as + and digits).
 */
export function recordSignup(db: PortalDatabase, input: SignupInput): MarketingSubscription | undefined {
  return db.transaction((tx) => {
    const sameAddress = and(
      confirmedByCode(input.channel) ? inArray(marketingSubscriptions.channel, ['sms', 'phone']) : eq(marketingSubscriptions.channel, input.channel),
      eq(marketingSubscriptions.addressKey, marketingLookupKey(input.channel, input.address)),
    );
    const pending = tx
      .select({ id: marketingSubscriptions.id })
      .from(marketingSubscriptions)
      .where(and(sameAddress, isNotNull(marketingSubscriptions.confirmTokenHash), gte(marketingSubscriptions.confirmExpiresAt, input.now)))
      .get();
    if (pending) return undefined;
    const subscription = tx
      .insert(marketingSubscriptions)
      .values({
        channel: input.channel,
        address: input.address,
        addressKey: marketingLookupKey(input.channel, input.address),
        locale: input.locale,
        consentId: input.consentId ?? null,
        confirmTokenHash: input.confirmTokenHash,
        confirmExpiresAt: input.confirmExpiresAt ?? input.now + confirmationLifetimeMs,
        createdAt: input.now,
      })
      .returning()
      .get();
    tx.insert(marketingEvents)
      .values({ subscriptionId: subscription.id, event: 'requested', occurredAt: input.now, via: 'preferences', policyVersion: input.policyVersion, wording: input.wording })
      .run();
    return subscription;
  });
}

export type CodeOutcome = 'confirmed' | 'wrong' | 'expired' | 'unknown';

/**
 * Confirms a subscription of the visitor's consent id by the code sent to its number: single use (the hash is
 * cleared), before its expiry. `matches` compares the stored hash with the code entered (src/lib/marketing.ts).
 * 'unknown': no such subscription of this consent id, or none waiting for a code; nothing is written unless confirmed.
 */
export function confirmSignupByCode(
  db: PortalDatabase,
  target: { subscriptionId: number; consentId: string },
  matches: (storedHash: string) => boolean,
  confirmation: { policyVersion: number; wording: string; now: number },
): CodeOutcome {
  return db.transaction((tx) => {
    const subscription = findSubscription(tx, target.subscriptionId, target.consentId);
    if (!subscription?.confirmTokenHash || !confirmedByCode(subscription.channel)) return 'unknown';
    if ((subscription.confirmExpiresAt ?? 0) < confirmation.now) return 'expired';
    if (!matches(subscription.confirmTokenHash)) return 'wrong';
    tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscription.id)).run();
    tx.insert(marketingEvents)
      .values({ subscriptionId: subscription.id, event: 'confirmed', occurredAt: confirmation.now, via: 'confirmation-code', policyVersion: confirmation.policyVersion, wording: confirmation.wording })
      .run();
    return 'confirmed';
  });
}

/** Spends a waiting code (too many wrong entries): the sign-up stays requested, never confirmed; a new one may follow. */
export function spendConfirmation(db: PortalDatabase, subscriptionId: number): void {
  db.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscriptionId)).run();
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

export function findSubscription(db: Queryable, id: number, consentId?: string): MarketingSubscription | undefined {
  const where = consentId ? and(eq(marketingSubscriptions.id, id), eq(marketingSubscriptions.consentId, consentId)) : eq(marketingSubscriptions.id, id);
  return db.select().from(marketingSubscriptions).where(where).get();
}

/** Whether a confirmation token still waits to be used (unknown, used and expired tokens do not). */
export function confirmationPending(db: PortalDatabase, token: string, now: number): boolean {
  const subscription = db.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.confirmTokenHash, hashToken(token))).get();
  return subscription !== undefined && (subscription.confirmExpiresAt ?? 0) >= now;
}
