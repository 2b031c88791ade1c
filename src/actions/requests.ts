import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { isLocale } from '../lib/locale.ts';
import { portalOrigin } from '../server/environment.ts';
import { getOrganisation } from '../server/organisation.ts';
import { submitRequest } from '../server/requests.ts';
import { visitorFloodKey } from '../server/visitor-address.ts';
import { readConsentCookie } from '../server/visitor-consent.ts';

// The form's transport: text as typed (the request schema in src/lib/requests.ts does the validating, for the
// form and the API alike, with a message per field), the declaration checkbox as a boolean. No length limit here:
// a refusal at this layer would come back as a bare 400 without the fields; the 64 KB body limit bounds them.
const text = z.string().nullish();
const formFields = {
  type: text,
  locale: text,
  name: text,
  email: text,
  customerReference: text,
  phone: text,
  consentId: text,
  details: text,
  inaccurateData: text,
  correctData: text,
  scope: text,
  grounds: text,
  objectionTo: text,
  format: text,
  website: text,
  declaration: z.boolean(),
};

export type RequestFormValues = { [field in Exclude<keyof typeof formFields, 'declaration'>]?: string | undefined } & { declaration?: boolean | undefined };

export const requests = {
  submit: defineAction({
    accept: 'form',
    input: z.object(formFields),
    handler: async (input, context) => {
      const values: RequestFormValues = Object.fromEntries(Object.entries(input).map(([key, value]) => [key, value ?? undefined]));
      const locale = isLocale(input.locale) ? input.locale : getOrganisation().defaultLocale;
      // Blank optional fields are absent; the declaration is true only when ticked (false would read as "declined").
      const submission: Record<string, unknown> = { locale };
      for (const [key, value] of Object.entries(input))
        if (value !== null && value !== undefined && value !== '' && key !== 'declaration') submission[key] = value;
      if (input.declaration) submission.declaration = true;
      const result = await submitRequest(submission, visitorFloodKey(context), portalOrigin(), readConsentCookie(context.cookies)?.consentId);
      if (!result.ok) return { ok: false as const, values, problems: result.reason === 'invalid' ? result.problems : {}, tooMany: result.reason === 'tooMany' };
      return { ok: true as const, reference: result.request.reference, emailSent: result.emailSent };
    },
  }),
};
