import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { emailAddressSchema } from './email-address.ts';
import { locales } from './locale.ts';

export const marketingChannels = ['email', 'sms', 'phone'] as const;
export type MarketingChannel = (typeof marketingChannels)[number];
export type MarketingStatus = 'none' | 'pending' | 'confirmed' | 'withdrawn';

/** A confirmation link is valid for 72 hours. */
export const confirmationLifetimeMs = 72 * 60 * 60 * 1000;

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
