import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { emailAddressSchema } from './email-address.ts';
import { locales } from './locale.ts';

export const marketingChannels = ['email', 'sms', 'phone'] as const;
export type MarketingChannel = (typeof marketingChannels)[number];
export type MarketingStatus = 'none' | 'pending' | 'confirmed' | 'withdrawn';

/** A confirmation link is valid for 72 hours. */
export const confirmationLifetimeMs = 72 * 60 * 60 * 1000;

/** A confirmation code sent by SMS is valid for 15 minutes (the texts in locales/ say so)… */
export const codeLifetimeMs = 15 * 60 * 1000;
/** …and five wrong entries spend it: a million codes, five guesses, one in 200,000 for whoever holds the page. */
export const codeAttempts = 5;

/** Channels confirmed by a code sent by SMS to the number: the phone (voice) channel proves the number the same way. */
export function confirmedByCode(channel: MarketingChannel): boolean {
  return channel !== 'email';
}

/** The code as the person types it: six digits, spaces allowed between them. */
export const confirmationCodeSchema = z
  .string()
  .max(20)
  .transform((value) => value.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/));

/** A phone number with its country code: `+30 2310 555 014` → `+302310555014`. */
export const phoneNumberSchema = z
  .string()
  .trim()
  .max(40)
  .transform((value) => value.replace(/[\s().-]/g, '').replace(/^00/, '+'))
  .pipe(z.string().regex(/^\+[1-9]\d{7,14}$/));

/** The marketing sign-up form (and its API twin): one channel, its address, and the ticked confirmation. */
export const marketingSignupSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), email: emailAddressSchema, agree: z.literal(true), locale: z.enum(locales) }),
  z.object({ channel: z.literal('sms'), phone: phoneNumberSchema, agree: z.literal(true), locale: z.enum(locales) }),
  z.object({ channel: z.literal('phone'), phone: phoneNumberSchema, agree: z.literal(true), locale: z.enum(locales) }),
]);
export type MarketingSignup = z.infer<typeof marketingSignupSchema>;

export function signupAddress(signup: MarketingSignup): string {
  return signup.channel === 'email' ? signup.email : signup.phone;
}

/** A random single-use token (sent to the person) and its hash (stored). */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A random six-digit code (sent to the number) and what is stored of it: a random salt and the code's HMAC under the
 * portal secret, so whoever reads the database cannot try the million codes offline, and two codes never share a hash.
 */
export function newConfirmationCode(secret: string): { code: string; hash: string } {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('base64url');
  return { code, hash: codeHash(secret, salt, code) };
}

function codeHash(secret: string, salt: string, code: string): string {
  return `code.${salt}.${createHmac('sha256', secret).update(`marketing-code.${salt}.${code}`).digest('base64url')}`;
}

/** Whether `code` is the one whose hash was stored (constant time); false for a stored token hash of another kind. */
export function codeMatches(secret: string, stored: string, code: string): boolean {
  const salt = /^code\.([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/.exec(stored)?.[1];
  if (!salt) return false;
  const expected = Buffer.from(stored);
  const given = Buffer.from(codeHash(secret, salt, code));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The one-click unsubscribe token of a subscription: its id, signed with the portal's secret. */
export function signUnsubscribeToken(subscriptionId: number, secret: string): string {
  const payload = `u${subscriptionId}`;
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

/** The subscription id an unsubscribe token names, or undefined when it is malformed or its signature is wrong. */
export function verifyUnsubscribeToken(token: string, secret: string): number | undefined {
  const match = /^u([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  const expected = Buffer.from(createHmac('sha256', secret).update(`u${match[1]}`).digest('base64url'));
  const given = Buffer.from(match[2] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given) ? Number(match[1]) : undefined;
}

/** The state of a subscription from its events, oldest first. */
export function subscriptionStatus(events: readonly { event: 'requested' | 'confirmed' | 'withdrawn' }[]): MarketingStatus {
  const last = events.at(-1)?.event;
  if (last === 'requested') return 'pending';
  return last ?? 'none';
}
