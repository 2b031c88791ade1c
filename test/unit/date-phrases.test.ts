import { describe, expect, test } from 'vitest';
import { formatDateOn, formatDateUntil } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';

describe('formatDateUntil()', () => {
  test.each<[Locale, string, string]>([
    ['el', '2027-01-01', 'την 1η Ιανουαρίου 2027'],
    ['el', '2026-12-31', 'τις 31 Δεκεμβρίου 2026'],
    ['el', '2026-11-05', 'τις 5 Νοεμβρίου 2026'],
    ['el', '2026-03-11', 'τις 11 Μαρτίου 2026'],
    ['pl', '2027-01-01', '1 stycznia 2027 r.'],
    ['pl', '2026-12-31', '31 grudnia 2026 r.'],
    ['bg', '2027-01-01', '1 януари 2027 г.'],
    ['bg', '2026-12-31', '31 декември 2026 г.'],
    ['nl', '2027-01-01', '1 januari 2027'],
    ['nl', '2026-12-31', '31 december 2026'],
  ])('%s %s reads "%s"', (locale, date, expected) => {
    expect(formatDateUntil(date, locale)).toBe(expected);
  });
});

describe('formatDateOn()', () => {
  test.each<[Locale, string, string]>([
    ['el', '2027-01-01', 'στην 1η Ιανουαρίου 2027'],
    ['el', '2026-12-31', 'στις 31 Δεκεμβρίου 2026'],
    ['el', '2026-11-10', 'στις 10 Νοεμβρίου 2026'],
    ['pl', '2027-01-01', '1 stycznia 2027 r.'],
    ['bg', '2026-11-10', '10 ноември 2026 г.'],
    ['nl', '2026-11-10', '10 november 2026'],
  ])('%s %s reads "%s"', (locale, date, expected) => {
    expect(formatDateOn(date, locale)).toBe(expected);
  });
});
