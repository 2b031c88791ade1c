import type { Translate } from '../lib/i18n.ts';
import type { Locale } from '../lib/locale.ts';
import { getPortal } from './portal.ts';

export function translatorFor(locale: Locale): Translate {
  return getPortal().translators.translatorFor(locale);
}
