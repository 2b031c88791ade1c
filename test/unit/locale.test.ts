import { describe, expect, test } from 'vitest';
import {
  localizedPath,
  matchAcceptLanguage,
  negotiateLocale,
  parseAcceptLanguage,
  safeReturnPath,
  splitLocalePath,
} from '../../src/lib/locale.ts';

describe('parseAcceptLanguage()', () => {
  test('orders tags by q-value, keeping header order among equals', () => {
    expect(parseAcceptLanguage('nl;q=0.5, pl-PL, el;q=0.9, bg;q=0.5')).toEqual([
      { tag: 'pl-pl', q: 1 },
      { tag: 'el', q: 0.9 },
      { tag: 'nl', q: 0.5 },
      { tag: 'bg', q: 0.5 },
    ]);
  });

  test('drops q=0 (not acceptable) and malformed entries instead of failing', () => {
    expect(parseAcceptLanguage('pl;q=0, nl;q=abc, el;q=1.5, bg;q=0.8, ;q=1, x@y')).toEqual([{ tag: 'bg', q: 0.8 }]);
  });

  test.each([null, undefined, '', ',,,', ';;;', 'q=1', '\u0000', '*'.repeat(5000)])('never throws on %j', (header) => {
    expect(() => parseAcceptLanguage(header)).not.toThrow();
  });
});

describe('matchAcceptLanguage()', () => {
  test.each([
    ['pl-PL,pl;q=0.9,en-US;q=0.8', 'pl'],
    ['el-GR', 'el'],
    ['en-US,en;q=0.9,nl;q=0.8', 'nl'],
    ['en-GB, bg;q=0.8, pl;q=0.5', 'bg'],
    ['de-DE, fr', undefined],
    ['NL-be', 'nl'],
    ['fr, *;q=0.5, pl;q=0.3', undefined],
    ['garbage;;q==1', undefined],
  ])('%s → %s', (header, expected) => {
    expect(matchAcceptLanguage(header)).toBe(expected);
  });
});

describe('negotiateLocale()', () => {
  test('the saved choice wins over Accept-Language', () => {
    expect(negotiateLocale({ saved: 'bg', acceptLanguage: 'pl' }, 'el')).toBe('bg');
  });

  test('an invalid saved choice is ignored', () => {
    expect(negotiateLocale({ saved: 'de', acceptLanguage: 'nl' }, 'el')).toBe('nl');
  });

  test('falls back to the default when nothing matches', () => {
    expect(negotiateLocale({ acceptLanguage: 'ja, de' }, 'el')).toBe('el');
    expect(negotiateLocale({}, 'pl')).toBe('pl');
  });
});

describe('localized paths', () => {
  test('splitLocalePath() recognises only our locales', () => {
    expect(splitLocalePath('/pl/policies/privacy-notice')).toEqual({ locale: 'pl', rest: '/policies/privacy-notice' });
    expect(splitLocalePath('/pl')).toEqual({ locale: 'pl', rest: '/' });
    expect(splitLocalePath('/de/policies')).toEqual({ locale: undefined, rest: '/de/policies' });
  });

  test('localizedPath() keeps the document and version', () => {
    expect(localizedPath('/el/policies/privacy-notice/v/1', 'pl')).toBe('/pl/policies/privacy-notice/v/1');
    expect(localizedPath('/unknown', 'nl')).toBe('/nl/');
  });

  test.each([
    ['/pl/policies/privacy-notice/v/1', '/pl/policies/privacy-notice/v/1'],
    ['//evil.example/pl/', '/pl/'],
    ['https://evil.example/pl/', '/pl/'],
    ['/pl/..%2f..%2fetc', '/pl/'],
    ['/pl\\@evil', '/pl/'],
    ['/el/policies', '/pl/'],
    [null, '/pl/'],
  ])('safeReturnPath(%j) for pl → %s', (next, expected) => {
    expect(safeReturnPath(next, 'pl')).toBe(expected);
  });
});
