import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createTranslator, flattenKeys, formatCalendarDate, type Messages } from '../../src/lib/i18n.ts';
import { intlTags, locales } from '../../src/lib/locale.ts';

const messages = Object.fromEntries(
  locales.map((locale) => [locale, JSON.parse(readFileSync(join(import.meta.dirname, `../../locales/${locale}.json`), 'utf8')) as Messages]),
);
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** Keys without their plural suffix: what the code asks for. */
function baseKeys(locale: string): Set<string> {
  return new Set([...flattenKeys(messages[locale] ?? {}).keys()].map((key) => key.replace(pluralSuffix, '')));
}

describe('UI strings', () => {
  test.each(locales)('%s has exactly the keys every other locale has', (locale) => {
    for (const other of locales) expect([...baseKeys(locale)].sort()).toEqual([...baseKeys(other)].sort());
  });

  test.each(locales)('%s has no empty or non-text value', (locale) => {
    for (const [key, value] of flattenKeys(messages[locale] ?? {})) {
      expect(typeof value, key).toBe('string');
      expect(String(value).trim(), key).not.toBe('');
    }
  });

  test.each(locales)('every plural key in %s has exactly the forms Intl.PluralRules needs', (locale) => {
    const required = new Intl.PluralRules(intlTags[locale]).resolvedOptions().pluralCategories.slice().sort();
    const plurals = new Map<string, string[]>();
    for (const key of flattenKeys(messages[locale] ?? {}).keys()) {
      const match = pluralSuffix.exec(key);
      if (!match?.[1]) continue;
      const base = key.replace(pluralSuffix, '');
      plurals.set(base, [...(plurals.get(base) ?? []), match[1]]);
    }
    expect(plurals.size).toBeGreaterThan(0);
    for (const [base, forms] of plurals) expect(forms.sort(), base).toEqual(required);
  });

  test('Polish needs one, few, many and other', () => {
    expect(new Intl.PluralRules('pl-PL').resolvedOptions().pluralCategories.slice().sort()).toEqual(['few', 'many', 'one', 'other']);
  });

  test('placeholders are the same in every locale', () => {
    const placeholders = (value: unknown) => [...String(value).matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();
    const reference = flattenKeys(messages.el ?? {});
    for (const locale of locales) {
      for (const [key, value] of flattenKeys(messages[locale] ?? {})) {
        const base = key.replace(pluralSuffix, '');
        const counterpart = reference.get(key) ?? reference.get(`${base}_other`);
        const expected = placeholders(counterpart).filter((name) => name !== 'count');
        expect(
          placeholders(value).filter((name) => name !== 'count'),
          `${locale} ${key}`,
        ).toEqual(expected);
      }
    }
  });
});

describe('createTranslator()', () => {
  test('chooses the Polish plural form for 1, 2, 5, 22 and 1.5', () => {
    const t = createTranslator('pl', messages.pl ?? {});
    expect(t('home.allVersions', { count: 1 })).toBe('1 wersja i jej zmiany');
    expect(t('home.allVersions', { count: 2 })).toBe('Wszystkie 2 wersje i ich zmiany');
    expect(t('home.allVersions', { count: 5 })).toBe('Wszystkie 5 wersji i ich zmiany');
    expect(t('home.allVersions', { count: 22 })).toBe('Wszystkie 22 wersje i ich zmiany');
  });

  test('a Bulgarian sentence that ends on a date ends with one full stop, not "г.."', () => {
    const t = createTranslator('bg', messages.bg ?? {});
    const text = t('ownerTask.intro', { organisation: 'Ostria', system: 'Архив', due: formatCalendarDate('2026-12-30', 'bg') });
    expect(text).toMatch(/ до 30 декември 2026 г\.$/);
    expect(t('requests.status.exportUntil', { date: formatCalendarDate('2026-12-30', 'bg') })).not.toContain('г..');
  });

  test('a missing key throws instead of showing another language or the key', () => {
    const t = createTranslator('nl', messages.nl ?? {});
    expect(() => t('no.such.key')).toThrow('Missing nl UI string "no.such.key"');
  });
});

describe('formatCalendarDate()', () => {
  test.each([
    ['el', '1 Οκτωβρίου 2026'],
    ['bg', '1 октомври 2026 г.'],
    ['nl', '1 oktober 2026'],
    ['pl', '1 października 2026'],
  ] as const)('%s writes 2026-10-01 as %s, whatever the machine time zone', (locale, expected) => {
    expect(formatCalendarDate('2026-10-01', locale)).toBe(expected);
  });
});
