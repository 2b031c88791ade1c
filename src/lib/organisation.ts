import { z } from 'zod';
import { defaultDeadlineRule, deadlineRules } from './deadline.ts';
import { isLocale, locales, type Locale } from './locale.ts';
import { retentionSchema } from './retention.ts';

const countrySchema = z.enum(['GR', 'BG', 'NL', 'PL']);

export const supervisoryAuthoritySchema = z.strictObject({
  country: countrySchema,
  lead: z.boolean(),
  abbreviation: z.string().min(1),
  name: z.string().min(1),
  address: z.string().min(1),
  phone: z.string().min(1),
  email: z.email().nullable(),
  website: z.url({ protocol: /^https$/ }),
});

/**
 * A processor the privacy notice names as a recipient: notified of every erasure (Art. 19 GDPR) in its own language.
 */
export const processorSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
  name: z.string().min(1),
  email: z.email(),
  locale: z.enum(locales),
  country: z.string().regex(/^[A-Z]{2}$/),
  /** What it does for the organisation, per locale, as the notice says. */
  service: z.strictObject(Object.fromEntries(locales.map((locale) => [locale, z.string().trim().min(1)])) as Record<Locale, z.ZodString>),
});
export type Processor = z.infer<typeof processorSchema>;

/** The organisation that runs the portal: the controller named in every notice, consent receipt and email. */
export const organisationSchema = z
  .strictObject({
    legalName: z.string().min(1),
    shortName: z.string().min(1),
    registration: z.string().min(1),
    vatNumber: z.string().min(1),
    address: z.strictObject({
      street: z.string().min(1),
      postalCode: z.string().min(1),
      city: z.string().min(1),
      country: countrySchema,
    }),
    website: z.url(),
    privacyEmail: z.email(),
    dpo: z.strictObject({ name: z.string().min(1), email: z.email(), phone: z.string().min(1), postal: z.string().min(1) }),
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
    defaultLocale: z
      .string()
      .refine(isLocale, 'not one of el, bg, nl, pl')
      .transform((value) => value as Locale),
    countries: z.array(countrySchema).min(1),
    supervisoryAuthorities: z.array(supervisoryAuthoritySchema).min(1),
    /** How long consent records and closed requests are kept (months); see src/lib/retention.ts. */
    retention: retentionSchema,
    /** Which first deadline requests get: 30 days, one month, or the earlier of the two (see src/lib/deadline.ts). */
    deadline: z.enum(deadlineRules).default(defaultDeadlineRule),
    /** The processors the notice names as recipients (Art. 19 notifications of an erasure). */
    processors: z.array(processorSchema).default([]),
  })
  .refine(
    (organisation) => organisation.countries.every((country) => organisation.supervisoryAuthorities.some((authority) => authority.country === country)),
    'every country served needs its supervisory authority',
  )
  .refine(
    (organisation) => organisation.supervisoryAuthorities.filter((authority) => authority.lead).length === 1,
    'exactly one supervisory authority is the lead authority',
  );
export type Organisation = z.infer<typeof organisationSchema>;

/** The controller as receipts and exports name it: who, where, and how to reach them and their DPO. */
export function describeController(organisation: Organisation) {
  return {
    name: organisation.legalName,
    address: `${organisation.address.street}, ${organisation.address.postalCode} ${organisation.address.city}, ${organisation.address.country}`,
    contact: organisation.privacyEmail,
    dataProtectionOfficer: { name: organisation.dpo.name, email: organisation.dpo.email },
  };
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
