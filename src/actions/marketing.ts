import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { emailProblemOf } from '../lib/email-address.ts';
import { isLocale, type Locale } from '../lib/locale.ts';
import { confirmationEmail } from '../lib/marketing-email.ts';
import { marketingSignupSchema, newToken, signUnsubscribeToken, signupAddress } from '../lib/marketing.ts';
import { findSubscription, recordSignup, withdrawSignup } from '../lib/marketing.repo.ts';
import { createRateLimiter } from '../lib/rate-limit.ts';
import { consentTerms } from '../server/consent.ts';
import { getDatabase } from '../server/db.ts';
import { portalOrigin } from '../server/environment.ts';
import { translatorFor } from '../server/i18n.ts';
import { getMailer } from '../server/mail.ts';
import { signupWording } from '../server/marketing.ts';
import { getPortalSecret } from '../server/secret.ts';
import { organisation } from '../server/organisation.ts';
import { portalSite } from '../server/sites.ts';
import { visitorFloodKey } from '../server/visitor-address.ts';
import { readConsentCookie } from '../server/visitor-consent.ts';

// Generous enough for an office behind one address, tight enough to stop a script mailing strangers.
const signupsPerAddress = createRateLimiter(20, 10 * 60 * 1000);

// Text as typed: the sign-up schema checks each field and names the one that is wrong (a limit here would be a bare
// 400 without a message); the 64 KB body limit bounds them.
const text = z.string().nullish();

export const marketing = {
  signUp: defineAction({
    accept: 'form',
    input: z.object({ channel: text, email: text, phone: text, agree: z.boolean(), locale: text }),
    handler: async (input, context) => {
      const locale: Locale = isLocale(input.locale) ? input.locale : organisation.defaultLocale;
      const values = { channel: input.channel ?? '', email: input.email ?? '', phone: input.phone ?? '' };
      if (!signupsPerAddress.allow(visitorFloodKey(context))) return { ok: false as const, values, fields: { form: 'tooMany' } };
      const parsed = marketingSignupSchema.safeParse({ ...input, locale });
      if (!parsed.success) {
        const fields: Record<string, string> = {};
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0] ?? 'channel');
          fields[field] = field === 'agree' ? 'confirmation' : field === 'email' ? emailProblemOf(issue) : field === 'phone' ? field : 'channel';
        }
        return { ok: false as const, values, fields };
      }
      const signup = parsed.data;
      const now = Date.now();
      const terms = await consentTerms(portalSite, locale);
      const consentId = readConsentCookie(context.cookies, now / 1000)?.consentId;
      const token = signup.channel === 'email' ? newToken() : undefined;
      const subscription = recordSignup(getDatabase(), {
        channel: signup.channel,
        address: signupAddress(signup),
        locale,
        consentId,
        policyVersion: terms.policy.version,
        wording: signupWording(signup.channel, locale),
        confirmTokenHash: token?.hash,
        now,
      });
      // No subscription: a confirmation for this address still waits, and the visitor is told the same as the first.
      if (subscription && token && signup.channel === 'email') {
        const origin = portalOrigin();
        await getMailer().send(
          confirmationEmail({
            t: translatorFor(locale),
            lang: locale,
            organisation: organisation.legalName,
            dpoEmail: organisation.dpo.email,
            address: signup.email,
            confirmUrl: `${origin}/${locale}/marketing/confirm?token=${token.token}`,
            unsubscribeUrl: `${origin}/${locale}/marketing/unsubscribe?token=${signUnsubscribeToken(subscription.id, getPortalSecret())}`,
          }),
        );
      }
      return { ok: true as const, channel: signup.channel, address: signupAddress(signup) };
    },
  }),

  withdraw: defineAction({
    accept: 'form',
    input: z.object({ subscription: z.coerce.number().int().positive(), locale: text }),
    handler: async (input, context) => {
      const locale: Locale = isLocale(input.locale) ? input.locale : organisation.defaultLocale;
      const consentId = readConsentCookie(context.cookies)?.consentId;
      const subscription = consentId ? findSubscription(getDatabase(), input.subscription, consentId) : undefined;
      if (!subscription) return { ok: false as const };
      const terms = await consentTerms(portalSite, locale);
      withdrawSignup(getDatabase(), subscription.id, {
        via: 'preferences',
        policyVersion: terms.policy.version,
        wording: translatorFor(locale)('marketing.withdraw'),
        now: Date.now(),
      });
      return { ok: true as const };
    },
  }),
};
