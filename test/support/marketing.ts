import type { PortalDatabase } from '../../db/connection.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { confirmSignup, recordSignup, type MarketingSubscription, type SignupInput } from '../../src/lib/marketing.repo.ts';

/** A sign-up already confirmed, as tests that need an active marketing consent set one up: requested, then confirmed. */
export function confirmedSignup(db: PortalDatabase, input: Omit<SignupInput, 'confirmTokenHash' | 'confirmExpiresAt'>): MarketingSubscription | undefined {
  const token = newToken();
  const subscription = recordSignup(db, { ...input, confirmTokenHash: token.hash });
  if (subscription) confirmSignup(db, token.token, { policyVersion: input.policyVersion, wording: input.wording, now: input.now });
  return subscription;
}
