import { and, asc, desc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import { onlyRow, type Executor, type Store, type Transaction } from '../../db/store.ts';
import { marketingLookupKey } from './email-address.ts';
import { marketingEvents, marketingSubscriptions } from '../../db/tables.ts';
import { confirmationLifetimeMs, confirmedByCode, hashToken, subscriptionStatus, type MarketingChannel, type MarketingStatus } from './marketing.ts';
import type { MarketingSubscription, MarketingEvent } from '../../db/rows.ts';

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
export async function recordSignup(store: Store, input: SignupInput): Promise<MarketingSubscription | undefined> {
  return store.transaction(async (tx) => {
    const sameAddress = and(
      confirmedByCode(input.channel) ? inArray(marketingSubscriptions.channel, ['sms', 'phone']) : eq(marketingSubscriptions.channel, input.channel),
      eq(marketingSubscriptions.addressKey, marketingLookupKey(input.channel, input.address)),
    );
    const [pending] = await tx
      .select({ id: marketingSubscriptions.id })
      .from(marketingSubscriptions)
      .where(and(sameAddress, isNotNull(marketingSubscriptions.confirmTokenHash), gte(marketingSubscriptions.confirmExpiresAt, input.now)))
      .limit(1);
    if (pending) return undefined;
    const subscription = onlyRow(
      await tx
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
        .returning(),
    );
    await tx.insert(marketingEvents).values({
      subscriptionId: subscription.id,
      event: 'requested',
      occurredAt: input.now,
      via: 'preferences',
      policyVersion: input.policyVersion,
      wording: input.wording,
    });
    return subscription;
  });
}

export type CodeOutcome = 'confirmed' | 'wrong' | 'expired' | 'unknown';

/**
 * Confirms a subscription of the visitor's consent id by the code sent to its number: single use (the hash is
 * cleared), before its expiry. `matches` compares the stored hash with the code entered (src/lib/marketing.ts).
 * 'unknown': no such subscription of this consent id, or none waiting for a code; nothing is written unless confirmed.
 */
export async function confirmSignupByCode(
  store: Store,
  target: { subscriptionId: number; consentId: string },
  matches: (storedHash: string) => boolean,
  confirmation: { policyVersion: number; wording: string; now: number },
): Promise<CodeOutcome> {
  return store.transaction(async (tx) => {
    const subscription = await findSubscription(tx, target.subscriptionId, target.consentId);
    if (!subscription?.confirmTokenHash || !confirmedByCode(subscription.channel)) return 'unknown';
    if ((subscription.confirmExpiresAt ?? 0) < confirmation.now) return 'expired';
    if (!matches(subscription.confirmTokenHash)) return 'wrong';
    await tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscription.id));
    await tx.insert(marketingEvents).values({
      subscriptionId: subscription.id,
      event: 'confirmed',
      occurredAt: confirmation.now,
      via: 'confirmation-code',
      policyVersion: confirmation.policyVersion,
      wording: confirmation.wording,
    });
    return 'confirmed';
  });
}

/** Spends a waiting code (too many wrong entries): the sign-up stays requested, never confirmed; a new one may follow. */
export async function spendConfirmation(store: Store, subscriptionId: number): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscriptionId));
  });
}

/**
 * Confirms the subscription a token belongs to: single use (the token hash is cleared) and valid for 72 hours.
 * Returns the subscription, or undefined for an unknown, used or expired token.
 */
export async function confirmSignup(
  store: Store,
  token: string,
  confirmation: { policyVersion: number; wording: string; now: number },
): Promise<MarketingSubscription | undefined> {
  return store.transaction(async (tx) => {
    const [subscription] = await tx
      .select()
      .from(marketingSubscriptions)
      .where(eq(marketingSubscriptions.confirmTokenHash, hashToken(token)))
      .limit(1);
    if (!subscription || (subscription.confirmExpiresAt ?? 0) < confirmation.now) return undefined;
    await tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscription.id));
    await tx.insert(marketingEvents).values({
      subscriptionId: subscription.id,
      event: 'confirmed',
      occurredAt: confirmation.now,
      via: 'confirmation-link',
      policyVersion: confirmation.policyVersion,
      wording: confirmation.wording,
    });
    return subscription;
  });
}

/** Withdraws a subscription (idempotent: a second withdrawal records nothing). */
export async function withdrawSignup(
  store: Store,
  subscriptionId: number,
  withdrawal: { via: Via; policyVersion: number; wording: string; now: number },
): Promise<MarketingSubscription | undefined> {
  return store.transaction(async (tx) => {
    const [subscription] = await tx.select().from(marketingSubscriptions).where(eq(marketingSubscriptions.id, subscriptionId)).limit(1);
    if (!subscription) return undefined;
    await withdrawIn(tx, subscription, withdrawal);
    return subscription;
  });
}

/**
 * Withdraws each of a person's marketing consents not withdrawn yet (a sign-up still waiting for its confirmation too,
 * which can then never be confirmed), in the caller's transaction, each under the policy version its last event named.
 * Returns how many were withdrawn per channel.
 */
export async function withdrawEvery(
  tx: Transaction,
  subscriptions: readonly MarketingSubscription[],
  withdrawal: { via: Via; wording: string; now: number },
): Promise<Record<MarketingChannel, number>> {
  const withdrawn: Record<MarketingChannel, number> = { email: 0, sms: 0, phone: 0 };
  for (const subscription of subscriptions) if (await withdrawIn(tx, subscription, withdrawal)) withdrawn[subscription.channel] += 1;
  return withdrawn;
}

/** How many of these consents are not withdrawn yet, per channel (what `withdrawEvery` would withdraw now). */
export async function activeMarketingCounts(db: Executor, subscriptions: readonly MarketingSubscription[]): Promise<Record<MarketingChannel, number>> {
  const active: Record<MarketingChannel, number> = { email: 0, sms: 0, phone: 0 };
  const ids = subscriptions.map((subscription) => subscription.id);
  const events = ids.length ? await db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, ids)).orderBy(asc(marketingEvents.id)) : [];
  for (const subscription of subscriptions)
    if (subscriptionStatus(events.filter((event) => event.subscriptionId === subscription.id)) !== 'withdrawn') active[subscription.channel] += 1;
  return active;
}

async function withdrawIn(
  tx: Transaction,
  subscription: MarketingSubscription,
  withdrawal: { via: Via; policyVersion?: number; wording: string; now: number },
): Promise<boolean> {
  const events = await tx.select().from(marketingEvents).where(eq(marketingEvents.subscriptionId, subscription.id)).orderBy(asc(marketingEvents.id));
  if (subscriptionStatus(events) === 'withdrawn') return false;
  await tx.update(marketingSubscriptions).set({ confirmTokenHash: null }).where(eq(marketingSubscriptions.id, subscription.id));
  await tx.insert(marketingEvents).values({
    subscriptionId: subscription.id,
    event: 'withdrawn',
    occurredAt: withdrawal.now,
    via: withdrawal.via,
    policyVersion: withdrawal.policyVersion ?? events.at(-1)?.policyVersion ?? 0,
    wording: withdrawal.wording,
  });
  return true;
}

export interface SubscriptionState {
  subscription: MarketingSubscription;
  status: MarketingStatus;
  events: MarketingEvent[];
}

/** The newest subscription per channel linked to a consent id, with its events. */
export async function subscriptionsOfConsent(db: Executor, consentId: string): Promise<Partial<Record<MarketingChannel, SubscriptionState>>> {
  const subscriptions = await db
    .select()
    .from(marketingSubscriptions)
    .where(eq(marketingSubscriptions.consentId, consentId))
    .orderBy(desc(marketingSubscriptions.id));
  const newest = new Map<MarketingChannel, MarketingSubscription>();
  for (const subscription of subscriptions) if (!newest.has(subscription.channel)) newest.set(subscription.channel, subscription);
  const ids = [...newest.values()].map((subscription) => subscription.id);
  const events = ids.length ? await db.select().from(marketingEvents).where(inArray(marketingEvents.subscriptionId, ids)).orderBy(asc(marketingEvents.id)) : [];
  const states: Partial<Record<MarketingChannel, SubscriptionState>> = {};
  for (const [channel, subscription] of newest) {
    const own = events.filter((event) => event.subscriptionId === subscription.id);
    states[channel] = { subscription, status: subscriptionStatus(own), events: own };
  }
  return states;
}

export async function findSubscription(db: Executor, id: number, consentId?: string): Promise<MarketingSubscription | undefined> {
  const where = consentId ? and(eq(marketingSubscriptions.id, id), eq(marketingSubscriptions.consentId, consentId)) : eq(marketingSubscriptions.id, id);
  const [subscription] = await db.select().from(marketingSubscriptions).where(where).limit(1);
  return subscription;
}

/** Whether a confirmation token still waits to be used (unknown, used and expired tokens do not). */
export async function confirmationPending(db: Executor, token: string, now: number): Promise<boolean> {
  const [subscription] = await db
    .select()
    .from(marketingSubscriptions)
    .where(eq(marketingSubscriptions.confirmTokenHash, hashToken(token)))
    .limit(1);
  return subscription !== undefined && (subscription.confirmExpiresAt ?? 0) >= now;
}
