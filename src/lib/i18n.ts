import i18next, { type TFunction } from 'i18next';
import { intlTags, readerTimeZones, type Locale } from './locale.ts';

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
  const t = instance.t;
  return ((...args: Parameters<typeof t>) => {
    const text = t(...args);
    return typeof text === 'string' ? endOfSentence(text) : text;
  }) as Translate;
}

/**
 * A sentence that ends on a date ends with one full stop: Bulgarian dates end in "г." (and Polish ones in "r."), and a
 * text such as "до {{date}}." would otherwise read "30 декември 2026 г..".
 */
function endOfSentence(text: string): string {
  return text.replace(/(\s[гr])\.\.(?!\.)/gu, '$1.');
}

/** "1 Οκτωβρίου 2026": a calendar date (YYYY-MM-DD) in the locale's long format. */
export function formatCalendarDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
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

/** "20 Νοε 2026, 23:14:05 EET": a moment in the reader's usual time zone, with the zone named. */
export function formatMoment(epochMs: number, locale: Locale): string {
  return `${new Intl.DateTimeFormat(intlTags[locale], {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: readerTimeZones[locale],
  }).format(new Date(epochMs))} (${timeZoneName(epochMs, locale)})`;
}

function timeZoneName(epochMs: number, locale: Locale): string {
  const parts = new Intl.DateTimeFormat(intlTags[locale], { timeZone: readerTimeZones[locale], timeZoneName: 'short' }).formatToParts(new Date(epochMs));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? readerTimeZones[locale];
}
