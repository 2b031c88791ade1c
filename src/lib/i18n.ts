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

/**
 * A calendar date as running text says it after "until" or "by" (el "έως", bg "до", nl "uiterlijk", pl "do"): in Greek
 * with its article, the first of a month as an ordinal ("την 1η Ιανουαρίου 2027", "τις 15 Ιανουαρίου 2027"), and with
 * the year's abbreviation in Polish and Bulgarian ("1 stycznia 2027 r.", "1 януари 2027 г."). A sentence that ends on
 * it keeps one full stop (`createTranslator`).
 */
export function formatDateUntil(date: string, locale: Locale): string {
  if (locale === 'el') return `${firstOfMonth(date) ? 'την' : 'τις'} ${greekDate(date)}`;
  return dateInText(date, locale);
}

/**
 * A calendar date as running text says it for "on <date>". Greek fuses the preposition with the article, so the phrase
 * holds it ("στην 1η Ιανουαρίου 2027", "στις 15 Ιανουαρίου 2027") and Greek strings put `{{date}}` where the others put
 * their preposition and the date ("dnia {{date}}", "op {{date}}").
 */
export function formatDateOn(date: string, locale: Locale): string {
  if (locale === 'el') return `${firstOfMonth(date) ? 'στην' : 'στις'} ${greekDate(date)}`;
  return dateInText(date, locale);
}

function firstOfMonth(date: string): boolean {
  return date.endsWith('-01');
}

/** "1η Ιανουαρίου 2027", "15 Ιανουαρίου 2027": Intl's long date (the month in the genitive), the first as an ordinal. */
function greekDate(date: string): string {
  const text = formatCalendarDate(date, 'el');
  return firstOfMonth(date) ? text.replace(/^1(?=\s)/u, '1η') : text;
}

/**
 * A date as running text writes it, without a preposition: "1η Ιανουαρίου 2027" (the first of a month is an ordinal in
 * Greek), "1 януари 2027 г.", "1 januari 2027", "1 stycznia 2027 r.".
 */
export function formatDateInText(date: string, locale: Locale): string {
  return locale === 'el' ? greekDate(date) : dateInText(date, locale);
}

/** Polish running text abbreviates the year after a date ("r."); Intl gives Bulgarian its "г." already. */
function dateInText(date: string, locale: Locale): string {
  const text = formatCalendarDate(date, locale);
  return locale === 'pl' ? `${text} r.` : text;
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
