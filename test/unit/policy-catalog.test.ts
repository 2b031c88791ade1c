import { describe, expect, test } from 'vitest';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { buildCatalog, currentVersion, parseVersionParam, todayIn, versionStatus } from '../../src/lib/policy-catalog.ts';
import type { PolicyText } from '../../src/lib/policy.ts';

function text(document: PolicyText['document'], version: number, locale: Locale, effective: string, keys = ['a', 'b']): PolicyText {
  return {
    document,
    version,
    locale,
    effective,
    title: `${document} ${version}`,
    summary: 's',
    intro: '',
    sections: keys.map((key) => ({ key, heading: key, markdown: key })),
    textHash: `${document}${version}${locale}`,
  };
}

function everyLocale(document: PolicyText['document'], version: number, effective: string): PolicyText[] {
  return locales.map((locale) => text(document, version, locale, effective));
}

const complete = [
  ...everyLocale('privacy-notice', 1, '2025-05-25'),
  ...everyLocale('privacy-notice', 2, '2026-10-01'),
  ...everyLocale('privacy-notice', 3, '2027-01-01'),
  ...everyLocale('cookie-policy', 1, '2025-05-25'),
];

describe('buildCatalog()', () => {
  test('groups texts into versions, oldest first', () => {
    const catalog = buildCatalog(complete);
    expect(catalog['privacy-notice'].map((version) => version.version)).toEqual([1, 2, 3]);
    expect(catalog['cookie-policy'][0]?.texts.pl.title).toBe('cookie-policy 1');
  });

  test('names a version missing in one locale', () => {
    const withoutPolish = complete.filter((entry) => !(entry.version === 2 && entry.locale === 'pl' && entry.document === 'privacy-notice'));
    expect(() => buildCatalog(withoutPolish)).toThrow('privacy-notice v2: no pl text');
  });

  test('names a locale whose sections differ', () => {
    const changed = complete.map((entry) =>
      entry.document === 'cookie-policy' && entry.locale === 'bg' ? text('cookie-policy', 1, 'bg', '2025-05-25', ['a']) : entry,
    );
    expect(() => buildCatalog(changed)).toThrow(/cookie-policy v1: bg has sections \[a\]/);
  });

  test('names a gap in the version numbers and effective dates out of order', () => {
    expect(() => buildCatalog(complete.filter((entry) => entry.version !== 2))).toThrow('version 2 is missing before version 3');
    const backwards = complete.map((entry) => (entry.version === 3 ? { ...entry, effective: '2024-01-01' } : entry));
    expect(() => buildCatalog(backwards)).toThrow('privacy-notice v3 takes effect on or before v2');
  });
});

describe('version resolution', () => {
  const versions = buildCatalog(complete)['privacy-notice'];

  test('the current version is the newest one whose date has come', () => {
    expect(currentVersion(versions, '2026-09-30')?.version).toBe(1);
    expect(currentVersion(versions, '2026-10-01')?.version).toBe(2);
    expect(currentVersion(versions, '2030-01-01')?.version).toBe(3);
    expect(currentVersion(versions, '2020-01-01')).toBeUndefined();
  });

  test('every other version is superseded or upcoming', () => {
    expect(versionStatus(versions, 1, '2026-11-20')).toBe('superseded');
    expect(versionStatus(versions, 2, '2026-11-20')).toBe('current');
    expect(versionStatus(versions, 3, '2026-11-20')).toBe('upcoming');
  });

  test.each([
    ['1', 1],
    ['12', 12],
    ['0', undefined],
    ['01', undefined],
    ['-1', undefined],
    ['1.0', undefined],
    ['1e3', undefined],
    ['9'.repeat(40), undefined],
    [undefined, undefined],
  ])('parseVersionParam(%j) → %j', (segment, expected) => {
    expect(parseVersionParam(segment)).toBe(expected);
  });

  test('todayIn() uses the organisation time zone, not UTC', () => {
    const lateEvening = new Date('2026-09-30T21:30:00Z');
    expect(todayIn('Europe/Athens', lateEvening)).toBe('2026-10-01');
    expect(todayIn('Europe/Amsterdam', lateEvening)).toBe('2026-09-30');
  });
});
