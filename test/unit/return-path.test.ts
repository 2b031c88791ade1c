import { describe, expect, test } from 'vitest';
import { safeReturnPath } from '../../src/lib/locale.ts';
import { dpoReturnPath, isPlainReturnPath, loginRedirect } from '../../src/lib/return-path.ts';

// Values as the handler sees them, after the query or form parser decoded them once.
const hostile = [
  ['CR LF', '/dpo/\r\nSet-Cookie: pwned=1'],
  ['LF', '/dpo?q=\n'],
  ['NUL', '/dpo/\u0000'],
  ['tab', '/dpo/\tx'],
  ['DEL', '/dpo/\u007f'],
  ['U+2028', '/dpo/\u2028'],
  ['U+2029', '/dpo?status=\u2029'],
  ['U+0085 (next line)', '/dpo/\u0085'],
  ['Latin-1 letter', '/dpo/café'],
  ['Greek', '/dpo?q=Ελένη'],
  ['space', '/dpo?q=a b'],
  ['backslash', '/dpo/\\\\evil.example'],
  ['percent-encoded CR LF', '/dpo/%0D%0ASet-Cookie:%20x'],
  ['percent-encoded NUL', '/dpo?q=%00'],
  ['percent-encoded U+2028', '/dpo/%E2%80%A8'],
  ['percent-encoded C1 control', '/dpo/%C2%85'],
  ['malformed escape', '/dpo/%E2%80'],
  ['lone percent', '/dpo?q=100%'],
  ['too long', `/dpo?q=${'a'.repeat(2048)}`],
] as const;

describe('isPlainReturnPath()', () => {
  test.each(hostile)('refuses %s', (_, value) => {
    expect(isPlainReturnPath(value)).toBe(false);
  });

  test.each([['//evil.example'], ['/\\evil.example'], ['https://evil.example/'], ['dpo'], ['']])('refuses %j, which leaves the site or is no path', (value) => {
    expect(isPlainReturnPath(value)).toBe(false);
  });

  test.each([
    ['the inbox', '/dpo'],
    ['a request with its fragment', '/dpo/requests/DSR-2026-7KQ4M2?done=verify#result'],
    ['a percent-encoded Greek search', '/dpo?q=%CE%95%CE%BB%CE%AD%CE%BD%CE%B7&status=open'],
    ['a public form', '/pl/requests/new?type=erasure'],
    ['2048 characters', `/dpo?q=${'a'.repeat(2041)}`],
  ])('keeps %s', (_, value) => {
    expect(isPlainReturnPath(value)).toBe(true);
  });
});

describe('dpoReturnPath()', () => {
  test.each(hostile)('falls back to the inbox for %s', (_, value) => {
    expect(dpoReturnPath(value)).toBe('/dpo');
  });

  test.each([
    ['/dpo/requests/DSR-2026-7KQ4M2', '/dpo/requests/DSR-2026-7KQ4M2'],
    ['/dpo?q=%CE%95%CE%BB', '/dpo?q=%CE%95%CE%BB'],
    ['/dpox', '/dpo'],
    ['/pl/', '/dpo'],
    [null, '/dpo'],
  ])('%j → %s', (value, expected) => {
    expect(dpoReturnPath(value)).toBe(expected);
  });

  test('every way back the sign-in redirect makes is kept after the sign-in', () => {
    for (const page of ['https://portal.example/dpo?q=Ελένη Οικονόμου&status=open', 'https://portal.example/dpo/requests/DSR-2026-7KQ4M2?done=note']) {
      const next = new URL(loginRedirect(new URL(page)), 'https://portal.example').searchParams.get('next');
      expect(dpoReturnPath(next)).toBe(next);
      expect(next).not.toBe('/dpo');
    }
  });
});

describe('safeReturnPath()', () => {
  test.each(hostile.map(([what, value]) => [what, value.replace(/^\/dpo/, '/nl/')]))('falls back to the home page for %s', (_, value) => {
    expect(safeReturnPath(value, 'nl')).toBe('/nl/');
  });
});
