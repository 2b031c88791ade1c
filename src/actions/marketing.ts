import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { isLocale, type Locale } from '../lib/locale.ts';
import { servedOverHttps } from '../server/environment.ts';
import { confirmByCode, signUpForMarketing, withdrawOnPreferences } from '../server/marketing-signup.ts';
import { getOrganisation } from '../server/organisation.ts';
import { visitorFloodKey } from '../server/visitor-address.ts';
import { issueVisitorConsentId, readVisitorConsentId } from '../server/visitor-consent.ts';

// Text as typed: the sign-up schema checks each field and names the one that is wrong (a limit here would be a bare
// 400 without a message); the 64 KB body limit bounds them.
const text = z.string().nullish();

const localeOf = (value: string | null | undefined): Locale => (isLocale(value) ? value : getOrganisation().defaultLocale);

export const marketing = {
  signUp: defineAction({
    accept: 'form',
    input: z.object({ channel: text, email: text, phone: text, agree: z.boolean(), locale: text }),
    handler: (input, context) =>
      signUpForMarketing(input, localeOf(input.locale), visitorFloodKey(context), () => issueVisitorConsentId(context.cookies, servedOverHttps(context.url))),
  }),

  confirmCode: defineAction({
    accept: 'form',
    input: z.object({ subscription: z.coerce.number().int().positive(), code: text, locale: text }),
    handler: async (input, context) => {
      const outcome = await confirmByCode(input.subscription, input.code ?? '', readVisitorConsentId(context.cookies), localeOf(input.locale));
      return outcome === 'confirmed' ? { ok: true as const } : { ok: false as const, subscription: input.subscription, error: outcome };
    },
  }),

  withdraw: defineAction({
    accept: 'form',
    input: z.object({ subscription: z.coerce.number().int().positive(), locale: text }),
    handler: async (input, context) => ({ ok: await withdrawOnPreferences(input.subscription, readVisitorConsentId(context.cookies), localeOf(input.locale)) }),
  }),
};
