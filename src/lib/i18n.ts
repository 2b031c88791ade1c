import i18next, { type TFunction } from 'i18next';
import { intlTags, type Locale } from './locale.ts';

export type Messages = Record<string, unknown>;
export type Translate = TFunction;

/**
 * A translator bound to one locale. Nothing falls back to another language: a missing key throws,
 * because legal and UI text must never silently appear in the wrong language.
 */
export function createTranslator(locale: Locale, messages: Messages): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: false,
    resources: { [locale]: { translation: messages } },
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
    saveMissing: true,
    missingKeyHandler: (_lngs, _ns, key) => {
      throw new Error(`Missing ${locale} UI string "${key}"`);
    },
  });
  return instance.t;
}

/** "1 Οκτωβρίου 2026": a calendar date (YYYY-MM-DD) in the locale's long format. */
export function formatCalendarDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** Every key of a nested message object, dotted (`policy.history.title`). */
export function flattenKeys(messages: Messages, prefix = ''): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of flattenKeys(value as Messages, path)) keys.set(inner, innerValue);
    } else {
      keys.set(path, value);
    }
  }
  return keys;
}
