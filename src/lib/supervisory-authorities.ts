import type { Locale } from './locale.ts';
import type { Organisation } from './organisation.ts';

// Where a person can complain about our answer (Art. 77 GDPR): the supervisory authority of their country, as their
// language tells it, and our lead authority when it is another one. Shown in the requester's package, on the status
// page of a rejected or overdue request, and in the rejection mail.

/** The country whose authority a requester writing in this language most likely turns to. */
export const countryOfLocale: Record<Locale, string> = { el: 'GR', bg: 'BG', nl: 'NL', pl: 'PL' };

/** The language an authority's own name is written in, by its country (for `lang` on the name). */
export function languageOfCountry(country: string): Locale | undefined {
  return (Object.keys(countryOfLocale) as Locale[]).find((locale) => countryOfLocale[locale] === country);
}

export type SupervisoryAuthority = Organisation['supervisoryAuthorities'][number];

export interface ComplaintAuthority {
  /** `yours`: the authority of the requester's country; `lead`: the organisation's lead authority. */
  role: 'yours' | 'lead';
  authority: SupervisoryAuthority;
}

export function complaintAuthorities(organisation: Pick<Organisation, 'supervisoryAuthorities'>, locale: Locale): ComplaintAuthority[] {
  const own = organisation.supervisoryAuthorities.find((authority) => authority.country === countryOfLocale[locale]);
  const lead = organisation.supervisoryAuthorities.find((authority) => authority.lead);
  const shown: ComplaintAuthority[] = [];
  if (own) shown.push({ role: 'yours', authority: own });
  if (lead && lead !== own) shown.push({ role: 'lead', authority: lead });
  return shown;
}
