import { describe, expect, test } from 'vitest';
import {
  currentPage,
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

  test('currentPage() keeps the query of the page, without the action of a form just posted', () => {
    expect(currentPage(new URL('http://portal/pl/requests/new?type=erasure'))).toEqual({ pathname: '/pl/requests/new', search: '?type=erasure' });
    expect(currentPage(new URL('http://portal/pl/requests/new?_action=requests.submit'))).toEqual({ pathname: '/pl/requests/new', search: '' });
    expect(currentPage(new URL('http://portal/pl/requests/DSR-2026-7KQ4M2?token=t&_action=x'))).toEqual({
      pathname: '/pl/requests/DSR-2026-7KQ4M2',
      search: '?token=t',
    });
    expect(currentPage(new URL('http://portal/pl/'))).toEqual({ pathname: '/pl/', search: '' });
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
    // The query comes back too: the request type of a form, the token of a status page.
    ['/pl/requests/new?type=erasure', '/pl/requests/new?type=erasure'],
    ['/pl/requests/DSR-2026-7KQ4M2?token=abc_DEF-123&verify=x-Y_z', '/pl/requests/DSR-2026-7KQ4M2?token=abc_DEF-123&verify=x-Y_z'],
    ['/pl/requests/new?next=%2F%2Fevil.example', '/pl/requests/new?next=%2F%2Fevil.example'],
    ['/pl/?a=<script>', '/pl/'],
    ['/pl/?a=1#x', '/pl/'],
    ['/pl/?a=1?b=//evil', '/pl/'],
    ['/pl/?a=\r\nSet-Cookie:x', '/pl/'],
    ['//evil.example?/pl/', '/pl/'],
    ['/el/requests/new?type=access', '/pl/'],
  ])('safeReturnPath(%j) for pl → %s', (next, expected) => {
    expect(safeReturnPath(next, 'pl')).toBe(expected);
  });
});
