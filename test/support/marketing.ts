import type { MarketingSubscription } from '../../db/rows.ts';
import type { Store } from '../../db/store.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { confirmSignup, recordSignup, type SignupInput } from '../../src/lib/marketing.repo.ts';

/** A sign-up already confirmed, as tests that need an active marketing consent set one up: requested, then confirmed. */
export async function confirmedSignup(
  store: Store,
  input: Omit<SignupInput, 'confirmTokenHash' | 'confirmExpiresAt'>,
): Promise<MarketingSubscription | undefined> {
  const token = newToken();
  const subscription = await recordSignup(store, { ...input, confirmTokenHash: token.hash });
  if (subscription) await confirmSignup(store, token.token, { policyVersion: input.policyVersion, wording: input.wording, now: input.now });
  return subscription;
}
