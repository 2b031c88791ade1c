import type { Locale } from '../lib/locale.ts';
import type { MarketingChannel } from '../lib/marketing.ts';
import { translatorFor } from './i18n.ts';
import { organisation } from './organisation.ts';

/** The exact consent sentence a channel's sign-up shows, in a locale: shown on the form and kept with the sign-up. */
export function signupWording(channel: MarketingChannel, locale: Locale): string {
  return translatorFor(locale)(`marketing.wording.${channel}`, { organisation: organisation.legalName });
}
