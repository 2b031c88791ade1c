import { emailProblemOf } from '../lib/email-address.ts';
import type { Locale } from '../lib/locale.ts';
import { log } from '../lib/log.ts';
import {
  codeAttempts,
  codeLifetimeMs,
  codeMatches,
  confirmationCodeSchema,
  marketingSignupSchema,
  signupAddress,
  type MarketingChannel,
} from '../lib/marketing.ts';
import {
  confirmationPending,
  confirmSignup,
  confirmSignupByCode,
  findSubscription,
  recordSignup,
  spendConfirmation,
  subscriptionsOfConsent,
  withdrawSignup,
} from '../lib/marketing.repo.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { getFloodLimits } from './flood-limits.ts';
import { consentTerms } from './consent.ts';
import { translatorFor } from './i18n.ts';
import { prepareConfirmation, signupWording } from './marketing.ts';
import { getPortal } from './portal.ts';
import { errorKind } from './requests.ts';
import { portalSite } from './sites.ts';

let limits: { signupsPerAddress: RateLimiter; codeEntries: RateLimiter } | undefined;

/** The portal's marketing budgets, counted where its flood limits are (in the database on PostgreSQL). */
function rateLimits() {
  limits ??= {
    // Generous enough for an office behind one address, tight enough to stop a script mailing strangers.
    signupsPerAddress: getFloodLimits().perWindow('marketing-signups', 20, 10 * 60 * 1000),
    // Entries of a code per subscription while it is valid; past the limit the code is spent (src/lib/marketing.ts).
    codeEntries: getFloodLimits().perWindow('marketing-code-entries', codeAttempts, codeLifetimeMs),
  };
  return limits;
}

/** The policy version a marketing decision on the portal names: the portal's own privacy notice today. */
async function portalPolicyVersion(locale: Locale): Promise<number> {
  return (await consentTerms(portalSite(), locale)).policy.version;
}

export type SignupOutcome =
  | { ok: true; channel: MarketingChannel; address: string }
  | { ok: false; values: { channel: string; email: string; phone: string }; fields: Record<string, string> };

/**
 * A visitor signs up for marketing on a channel: counted against their flood budget (`visitor`), validated, recorded
 * pending under their consent id (`consentId` issues one when the browser has none) with the exact wording shown, and
 * the confirmation sent (a link by email, a code by SMS or phone). A confirmation that cannot be sent is spent, so the
 * address is not held for its lifetime.
 */
export async function signUpForMarketing(
  input: { channel?: string | null | undefined; email?: string | null | undefined; phone?: string | null | undefined; agree: boolean },
  locale: Locale,
  visitor: string,
  consentId: () => string,
): Promise<SignupOutcome> {
  const values = { channel: input.channel ?? '', email: input.email ?? '', phone: input.phone ?? '' };
  if (!(await rateLimits().signupsPerAddress.allow(visitor))) return { ok: false, values, fields: { form: 'tooMany' } };
  const parsed = marketingSignupSchema.safeParse({ ...input, locale });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'channel');
      fields[field] = field === 'agree' ? 'confirmation' : field === 'email' ? emailProblemOf(issue) : field === 'phone' ? field : 'channel';
    }
    return { ok: false, values, fields };
  }
  const signup = parsed.data;
  const { store, clock } = getPortal();
  const now = clock();
  const policyVersion = await portalPolicyVersion(locale);
  const confirmation = prepareConfirmation(signup, locale, now);
  const subscription = await recordSignup(store, {
    channel: signup.channel,
    address: signupAddress(signup),
    locale,
    consentId: consentId(),
    policyVersion,
    wording: signupWording(signup.channel, locale),
    confirmTokenHash: confirmation.hash,
    confirmExpiresAt: confirmation.expiresAt,
    now,
  });
  // No subscription: a confirmation for this address still waits, and the visitor is told the same as the first.
  if (subscription) {
    try {
      await confirmation.send(subscription);
    } catch (error) {
      await spendConfirmation(store, subscription.id);
      // The kind of failure only: a mail server's message can quote the address.
      log.error('A marketing confirmation could not be sent.', { subscription: subscription.id, error: errorKind(error) });
      return { ok: false, values, fields: { form: 'sendFailed' } };
    }
  }
  return { ok: true, channel: signup.channel, address: signupAddress(signup) };
}

export type CodeOutcome = 'confirmed' | 'code' | 'codeWrong' | 'codeExpired' | 'codeTooMany';

/**
 * A visitor enters the code sent by SMS or phone. Only the browser holding the sign-up's consent id enters its code,
 * and only its entries count; past the allowed entries the code is spent.
 */
export async function confirmByCode(subscriptionId: number, typed: string, consentId: string | undefined, locale: Locale): Promise<CodeOutcome> {
  const code = confirmationCodeSchema.safeParse(typed);
  if (!code.success) return 'code';
  const { store, clock, secrets } = getPortal();
  if (!consentId || !(await store.read((db) => findSubscription(db, subscriptionId, consentId)))) return 'codeExpired';
  if (!(await rateLimits().codeEntries.allow(String(subscriptionId)))) {
    await spendConfirmation(store, subscriptionId);
    return 'codeTooMany';
  }
  const policyVersion = await portalPolicyVersion(locale);
  const outcome = await confirmSignupByCode(store, { subscriptionId, consentId }, (hash) => codeMatches(secrets.portalSecret(), hash, code.data), {
    policyVersion,
    wording: translatorFor(locale)('marketing.confirmCode'),
    now: clock(),
  });
  if (outcome === 'confirmed') return 'confirmed';
  return outcome === 'wrong' ? 'codeWrong' : 'codeExpired';
}

/** A visitor withdraws a sign-up of their own browser (its consent id) on the preferences page; false when it is not theirs. */
export async function withdrawOnPreferences(subscriptionId: number, consentId: string | undefined, locale: Locale): Promise<boolean> {
  const { store, clock } = getPortal();
  const subscription = consentId ? await store.read((db) => findSubscription(db, subscriptionId, consentId)) : undefined;
  if (!subscription) return false;
  await withdrawSignup(store, subscription.id, {
    via: 'preferences',
    policyVersion: await portalPolicyVersion(locale),
    wording: translatorFor(locale)('marketing.withdraw'),
    now: clock(),
  });
  return true;
}

/** The email link's confirmation still waits (the page then shows its one button). */
export function confirmationWaits(token: string): Promise<boolean> {
  const { store, clock } = getPortal();
  return store.read((db) => confirmationPending(db, token, clock()));
}

/** The person confirms an email sign-up with the link's token (posted, so a mail scanner confirms nothing). */
export async function confirmByLink(token: string, locale: Locale): Promise<boolean> {
  const { store, clock } = getPortal();
  const policyVersion = await portalPolicyVersion(locale);
  return Boolean(await confirmSignup(store, token, { policyVersion, wording: translatorFor(locale)('marketing.confirm.title'), now: clock() }));
}

/** The sign-up an unsubscribe link names exists. */
export async function subscriptionExists(subscriptionId: number): Promise<boolean> {
  return (await getPortal().store.read((db) => findSubscription(db, subscriptionId))) !== undefined;
}

/** The person withdraws with the link in a marketing email, or their mail client's one-click unsubscribe. */
export async function unsubscribe(subscriptionId: number, via: 'list-unsubscribe' | 'unsubscribe-link', locale: Locale): Promise<void> {
  const { store, clock } = getPortal();
  await withdrawSignup(store, subscriptionId, {
    via,
    policyVersion: await portalPolicyVersion(locale),
    wording: translatorFor(locale)('marketing.unsubscribe.done'),
    now: clock(),
  });
}

/** The marketing sign-ups of a browser's consent id, by channel, for the preferences page. */
export function marketingStatesOf(consentId: string | undefined) {
  if (!consentId) return Promise.resolve({} as Awaited<ReturnType<typeof subscriptionsOfConsent>>);
  return getPortal().store.read((db) => subscriptionsOfConsent(db, consentId));
}
