import bg from '../../locales/bg.json';
import el from '../../locales/el.json';
import nl from '../../locales/nl.json';
import pl from '../../locales/pl.json';
import { createTranslator, type Messages, type Translate } from '../lib/i18n.ts';
import type { Locale } from '../lib/locale.ts';

export const messages: Record<Locale, Messages> = { el, bg, nl, pl };

const translators = new Map<Locale, Translate>();

export function translatorFor(locale: Locale): Translate {
  let translate = translators.get(locale);
  if (!translate) {
    translate = createTranslator(locale, messages[locale]);
    translators.set(locale, translate);
  }
  return translate;
}
