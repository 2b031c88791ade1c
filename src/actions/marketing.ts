import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { emailProblemOf } from '../lib/email-address.ts';
import { isLocale, type Locale } from '../lib/locale.ts';
import { codeAttempts, codeLifetimeMs, codeMatches, confirmationCodeSchema, marketingSignupSchema, signupAddress } from '../lib/marketing.ts';
import { confirmSignupByCode, findSubscription, recordSignup, spendConfirmation, withdrawSignup } from '../lib/marketing.repo.ts';
import { createRateLimiter } from '../lib/rate-limit.ts';
import { consentTerms } from '../server/consent.ts';
import { getStore } from '../server/db.ts';
import { servedOverHttps } from '../server/environment.ts';
import { translatorFor } from '../server/i18n.ts';
import { prepareConfirmation, signupWording } from '../server/marketing.ts';
import { getPortalSecret } from '../server/secret.ts';
import { getOrganisation } from '../server/organisation.ts';
import { portalSite } from '../server/sites.ts';
import { visitorFloodKey } from '../server/visitor-address.ts';
import { issueVisitorConsentId, readVisitorConsentId } from '../server/visitor-consent.ts';
import { log } from '../lib/log.ts';
import { errorKind } from '../server/requests.ts';

// Generous enough for an office behind one address, tight enough to stop a script mailing strangers.
const signupsPerAddress = createRateLimiter(20, 10 * 60 * 1000);
// Entries of a code per subscription while it is valid; past the limit the code is spent (src/lib/marketing.ts).
const codeEntries = createRateLimiter(codeAttempts, codeLifetimeMs);

// Text as typed: the sign-up schema checks each field and names the one that is wrong (a limit here would be a bare
// 400 without a message); the 64 KB body limit bounds them.
const text = z.string().nullish();

export const marketing = {
  signUp: defineAction({
    accept: 'form',
    input: z.object({ channel: text, email: text, phone: text, agree: z.boolean(), locale: text }),
    handler: async (input, context) => {
      const locale: Locale = isLocale(input.locale) ? input.locale : getOrganisation().defaultLocale;
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
      const terms = await consentTerms(portalSite(), locale);
      const confirmation = prepareConfirmation(signup, locale, now);
      const subscription = await recordSignup(getStore(), {
        channel: signup.channel,
        address: signupAddress(signup),
        locale,
        consentId: issueVisitorConsentId(context.cookies, servedOverHttps(context.url)),
        policyVersion: terms.policy.version,
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
          // Nothing reached the person: the confirmation is spent so the address is not held for its lifetime.
          await spendConfirmation(getStore(), subscription.id);
          // The kind of failure only: a mail server's message can quote the address.
          log.error('A marketing confirmation could not be sent.', { subscription: subscription.id, error: errorKind(error) });
          return { ok: false as const, values, fields: { form: 'sendFailed' } };
        }
      }
      return { ok: true as const, channel: signup.channel, address: signupAddress(signup) };
    },
  }),

  confirmCode: defineAction({
    accept: 'form',
    input: z.object({ subscription: z.coerce.number().int().positive(), code: text, locale: text }),
    handler: async (input, context) => {
      const locale: Locale = isLocale(input.locale) ? input.locale : getOrganisation().defaultLocale;
      const refused = (error: 'code' | 'codeWrong' | 'codeExpired' | 'codeTooMany') => ({ ok: false as const, subscription: input.subscription, error });
      const consentId = readVisitorConsentId(context.cookies);
      const code = confirmationCodeSchema.safeParse(input.code ?? '');
      if (!code.success) return refused('code');
      // Only the browser holding the sign-up's consent id enters its code, and only its entries count.
      if (!consentId || !(await getStore().read((db) => findSubscription(db, input.subscription, consentId)))) return refused('codeExpired');
      if (!codeEntries.allow(String(input.subscription))) {
        await spendConfirmation(getStore(), input.subscription);
        return refused('codeTooMany');
      }
      const terms = await consentTerms(portalSite(), locale);
      const outcome = await confirmSignupByCode(
        getStore(),
        { subscriptionId: input.subscription, consentId },
        (hash) => codeMatches(getPortalSecret(), hash, code.data),
        {
          policyVersion: terms.policy.version,
          wording: translatorFor(locale)('marketing.confirmCode'),
          now: Date.now(),
        },
      );
      if (outcome === 'confirmed') return { ok: true as const };
      return refused(outcome === 'wrong' ? 'codeWrong' : 'codeExpired');
    },
  }),

  withdraw: defineAction({
    accept: 'form',
    input: z.object({ subscription: z.coerce.number().int().positive(), locale: text }),
    handler: async (input, context) => {
      const locale: Locale = isLocale(input.locale) ? input.locale : getOrganisation().defaultLocale;
      const consentId = readVisitorConsentId(context.cookies);
      const subscription = consentId ? await getStore().read((db) => findSubscription(db, input.subscription, consentId)) : undefined;
      if (!subscription) return { ok: false as const };
      const terms = await consentTerms(portalSite(), locale);
      await withdrawSignup(getStore(), subscription.id, {
        via: 'preferences',
        policyVersion: terms.policy.version,
        wording: translatorFor(locale)('marketing.withdraw'),
        now: Date.now(),
      });
      return { ok: true as const };
    },
  }),
};
