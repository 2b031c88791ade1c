import { z } from 'zod';
import { log } from '../lib/log.ts';
import { hashToken, newToken } from '../lib/marketing.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { recordEvent } from '../lib/requests.repo.ts';
import { renewVerificationLink } from '../lib/verification-link.repo.ts';
import { getPortal } from './portal.ts';
import { errorKind, receivedEmailFor } from './requests.ts';

const hour = 60 * 60 * 1000;

/** What the requester types to ask for a new link: the reference (any letter case, spaces around) and their address; nothing else is read. */
export const newLinkRequestSchema = z.object({
  reference: z
    .string()
    .max(40)
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.string().min(1)),
  email: z.string().trim().min(1).max(254),
});

export type NewLinkAnswer = 'sent' | 'tooMany' | { invalid: ('reference' | 'email')[] };

let limits: { perAddress: RateLimiter; perRequest: RateLimiter } | undefined;

function rateLimits() {
  const { environment, limits: portalLimits } = getPortal();
  limits ??= {
    perAddress: portalLimits.flood.perWindow('verification-links-address', environment.VERIFICATION_LINKS_PER_HOUR_PER_ADDRESS, hour),
    perRequest: portalLimits.flood.perWindow('verification-links-request', environment.VERIFICATION_LINKS_PER_HOUR_PER_REQUEST, hour),
  };
  return limits;
}

/**
 * A requester whose verification link expired asks for a new one with their reference and address. The answer is
 * `sent` whether or not an unverified online request matches (nothing to learn about who asked for what), and the work
 * is the same either way: a token drawn and hashed, the lookup and the comparison made; only a match mails the new
 * link in the request's language, which stops the old one. Counted per visitor and per reference typed, known or not.
 */
export async function askForNewVerificationLink(input: unknown, visitorKey: string, origin: string, now = getPortal().clock()): Promise<NewLinkAnswer> {
  const parsed = newLinkRequestSchema.safeParse(input);
  if (!parsed.success) return { invalid: (['reference', 'email'] as const).filter((field) => parsed.error.issues.some((issue) => issue.path[0] === field)) };
  const { reference, email } = parsed.data;
  const { perAddress, perRequest } = rateLimits();
  if (!(await perAddress.allow(visitorKey)) || !(await perRequest.allow(hashToken(reference)))) return 'tooMany';
  const { store, mailer } = getPortal();
  const token = newToken();
  const request = await renewVerificationLink(store, reference, email, token.hash, now);
  if (!request) return 'sent';
  // Sent after the answer, not before it: how long the answer takes must not tell a match from none.
  void mailer.send(receivedEmailFor(request, token.token, origin)).catch(async (error: unknown) => {
    log.error('A request email could not be sent.', { reference: request.reference, email: 'resent', error: errorKind(error) });
    await recordEvent(store, request.id, 'notification-failed', 'system', getPortal().clock(), { email: 'resent', error: errorKind(error) });
  });
  return 'sent';
}
