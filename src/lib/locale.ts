import { isPlainReturnPath } from './return-path.ts';

/** The locales every page, document and message exists in. */
export const locales = ['el', 'bg', 'nl', 'pl'] as const;
export type Locale = (typeof locales)[number];

export const localeNames: Record<Locale, string> = {
  el: 'Ελληνικά',
  bg: 'Български',
  nl: 'Nederlands',
  pl: 'Polski',
};

/** BCP 47 tags for Intl formatting (dates, numbers, plural rules). */
export const intlTags: Record<Locale, string> = { el: 'el-GR', bg: 'bg-BG', nl: 'nl-NL', pl: 'pl-PL' };

/** The time zone most readers of each locale live in: timestamps shown to visitors use it, with its name. */
export const readerTimeZones: Record<Locale, string> = {
  el: 'Europe/Athens',
  bg: 'Europe/Sofia',
  nl: 'Europe/Amsterdam',
  pl: 'Europe/Warsaw',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

interface WeightedTag {
  tag: string;
  q: number;
}

const languageTag = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/;
const qValue = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
const maxHeaderLength = 4096;

/**
 * Parses an Accept-Language header (RFC 9110 §12.5.4) into tags ordered by preference.
 * Entries that are malformed are skipped; q=0 means "not acceptable" and is dropped. Never throws.
 */
export function parseAcceptLanguage(header: string | null | undefined): WeightedTag[] {
  if (!header || header.length > maxHeaderLength) return [];
  const entries: (WeightedTag & { index: number })[] = [];
  header.split(',').forEach((part, index) => {
    const [rawTag, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!rawTag || !languageTag.test(rawTag)) return;
    let q = 1;
    for (const param of params) {
      if (!param.startsWith('q=')) continue;
      if (!qValue.test(param.replace(/\s+/g, ''))) return;
      q = Number(param.replace(/\s+/g, '').slice(2));
    }
    if (q > 0) entries.push({ tag: rawTag, q, index });
  });
  return entries.sort((a, b) => b.q - a.q || a.index - b.index).map(({ tag, q }) => ({ tag, q }));
}

/** The supported locale an Accept-Language header prefers: exact tag first, then its primary subtag. */
export function matchAcceptLanguage(header: string | null | undefined): Locale | undefined {
  for (const { tag } of parseAcceptLanguage(header)) {
    if (tag === '*') return undefined;
    const primary = tag.split('-')[0];
    if (isLocale(tag)) return tag;
    if (isLocale(primary)) return primary;
  }
  return undefined;
}

export interface LocaleSignals {
  /** The locale the visitor chose earlier (the `portal_locale` cookie). */
  saved?: string | undefined;
  acceptLanguage?: string | null | undefined;
}

/** Chooses a locale: the saved choice, then Accept-Language with its q-values, then the default. */
export function negotiateLocale(signals: LocaleSignals, defaultLocale: Locale): Locale {
  if (isLocale(signals.saved)) return signals.saved;
  return matchAcceptLanguage(signals.acceptLanguage) ?? defaultLocale;
}

/** Splits `/pl/policies/x` into the locale prefix (when it is one of ours) and the rest of the path. */
export function splitLocalePath(pathname: string): { locale: Locale | undefined; rest: string } {
  const match = /^\/([^/]*)(\/.*)?$/.exec(pathname);
  const first = match?.[1];
  if (isLocale(first)) return { locale: first, rest: match?.[2] ?? '/' };
  return { locale: undefined, rest: pathname };
}

/** The same page in another locale. */
export function localizedPath(pathname: string, locale: Locale): string {
  const { locale: current, rest } = splitLocalePath(pathname);
  return `/${locale}${current ? rest : '/'}`;
}

/**
 * The page a visitor is on, to come back to after a choice made elsewhere (cookies, language): the path and its query
 * (the request type of a form, the token of a status page), without the `_action` of a form just posted.
 */
export function currentPage(url: URL): { pathname: string; search: string } {
  const query = new URLSearchParams(url.search);
  query.delete('_action');
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return { pathname: url.pathname, search };
}

/**
 * Where the language switcher or a cookie choice may send a visitor: a plain return path (`isPlainReturnPath`: no
 * control or non-ASCII character, raw or percent-encoded) on this portal under the chosen locale, with its query,
 * nothing else (no other host, no `//`, no backslash, no fragment), else that locale's home page.
 */
export function safeReturnPath(next: string | null | undefined, locale: Locale): string {
  const home = `/${locale}/`;
  if (!next || !isPlainReturnPath(next)) return home;
  const [path = '', query] = next.split(/\?(.*)/s, 2);
  if (!/^\/[A-Za-z0-9\-._~%/]*$/.test(path) || path.includes('//') || /%2f|%5c/i.test(path)) return home;
  if (query !== undefined && !/^[A-Za-z0-9\-._~%&=+]*$/.test(query)) return home;
  const { locale: target } = splitLocalePath(path);
  return target === locale ? next : home;
}
