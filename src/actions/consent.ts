import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { optionalCategories, type Choices } from '../lib/consent-cookie.ts';
import { isLocale, safeReturnPath } from '../lib/locale.ts';
import { decisionLimits } from '../server/consent.ts';
import { portalOrigin, servedOverHttps } from '../server/environment.ts';
import { getOrganisation } from '../server/organisation.ts';
import { visitorFloodKey } from '../server/visitor-address.ts';
import { decideOnPortal, readConsentCookie } from '../server/visitor-consent.ts';

/**
 * The cookie choices of the portal's own pages: the server-rendered first layer and the preferences form. A choice
 * counts against the visitor's decision budget like the banner's; over it nothing is recorded and no cookie is set.
 */
export const consent = {
  saveCookies: defineAction({
    accept: 'form',
    input: z.object({
      decision: z.enum(['accept-all', 'reject-all', 'custom']),
      locale: z.string().refine(isLocale),
      // Astro reads a checkbox into a boolean: ticked is true, absent is false.
      preferences: z.boolean(),
      analytics: z.boolean(),
      marketing: z.boolean(),
      /** Where the server-rendered first layer should send the visitor back to. */
      returnTo: z.string().max(2048).nullish(),
    }),
    handler: async (input, context) => {
      const retryAfter = await decisionLimits().admit(visitorFloodKey(context));
      if (retryAfter > 0) return { ok: false as const, retryAfter };
      const locale = isLocale(input.locale) ? input.locale : getOrganisation().defaultLocale;
      const choices = Object.fromEntries(
        optionalCategories.map((category) => [category, input.decision === 'accept-all' || (input.decision === 'custom' && input[category])]),
      ) as Choices;
      const previous = readConsentCookie(context.cookies);
      const hadGrant = previous !== undefined && optionalCategories.some((category) => previous.choices[category]);
      const granted = optionalCategories.some((category) => choices[category]);
      // Refusing everything after having granted something is a withdrawal, whichever button said it.
      const action = hadGrant && !granted ? 'withdraw' : input.decision;
      const record = await decideOnPortal({
        cookies: context.cookies,
        locale,
        origin: portalOrigin(),
        action,
        choices,
        gpcSignal: context.request.headers.get('sec-gpc') === '1',
        secure: servedOverHttps(context.url),
      });
      return {
        ok: true as const,
        consentId: record.consentId,
        action: record.action,
        returnTo: input.returnTo ? safeReturnPath(input.returnTo, locale) : undefined,
      };
    },
  }),
};
