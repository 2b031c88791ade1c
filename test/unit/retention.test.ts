import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { redactEventDetail, retentionCutoff, retentionSchema, subtractCalendarMonths } from '../../src/lib/retention.ts';

describe('subtractCalendarMonths()', () => {
  test('keeps the day of the month, across years', () => {
    expect(subtractCalendarMonths('2029-01-15', 36)).toBe('2026-01-15');
    expect(subtractCalendarMonths('2026-01-10', 1)).toBe('2025-12-10');
    expect(subtractCalendarMonths('2026-12-31', 12)).toBe('2025-12-31');
  });

  test('a day the earlier month lacks becomes its last day, leap years included', () => {
    expect(subtractCalendarMonths('2029-03-31', 1)).toBe('2029-02-28');
    expect(subtractCalendarMonths('2028-03-31', 1)).toBe('2028-02-29');
    expect(subtractCalendarMonths('2029-05-31', 3)).toBe('2029-02-28');
    expect(subtractCalendarMonths('2029-07-31', 1)).toBe('2029-06-30');
  });

  test('refuses what is not a calendar date', () => {
    expect(() => subtractCalendarMonths('31.03.2029', 1)).toThrow(RangeError);
  });
});

describe('retentionCutoff()', () => {
  test('is the start of the same day, N months back, in the organisation’s time zone (winter, UTC+2)', () => {
    expect(new Date(retentionCutoff(Date.parse('2029-03-15T10:00:00Z'), 36, 'Europe/Athens')).toISOString()).toBe('2026-03-14T22:00:00.000Z');
  });

  test('uses the local date, not the UTC one, and the summer offset (UTC+3)', () => {
    // 22:30 UTC on 30 June is already 1 July in Athens; 21:30 UTC is still 30 June in Warsaw.
    expect(new Date(retentionCutoff(Date.parse('2029-06-30T22:30:00Z'), 36, 'Europe/Athens')).toISOString()).toBe('2026-06-30T21:00:00.000Z');
    expect(new Date(retentionCutoff(Date.parse('2029-06-30T21:30:00Z'), 36, 'Europe/Warsaw')).toISOString()).toBe('2026-06-29T22:00:00.000Z');
  });
});

describe('retentionSchema', () => {
  test('defaults to 36 months for both when the organisation names no period', () => {
    expect(retentionSchema.parse(undefined)).toEqual({ consentRecordsMonths: 36, closedRequestsMonths: 36 });
    expect(retentionSchema.parse({ closedRequestsMonths: 24 })).toEqual({ consentRecordsMonths: 36, closedRequestsMonths: 24 });
  });

  test('refuses periods that could delete consent proof while the consent lasts, fractions and typos', () => {
    for (const bad of [
      { consentRecordsMonths: 13 },
      { consentRecordsMonths: 0 },
      { consentRecordsMonths: -36 },
      { consentRecordsMonths: 24.5 },
      { closedRequestsMonths: 11 },
      { closedRequestsMonths: 360 },
      { consentRecordsMonths: '36' },
      { keepForever: true },
    ]) {
      expect(retentionSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(retentionSchema.parse({ consentRecordsMonths: 14, closedRequestsMonths: 12 })).toEqual({ consentRecordsMonths: 14, closedRequestsMonths: 12 });
  });

  test('organisation.json sets both periods', () => {
    const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../content/organisation.json'), 'utf8')));
    expect(organisation.retention).toEqual({ consentRecordsMonths: 36, closedRequestsMonths: 36 });
  });
});

describe('redactEventDetail()', () => {
  test('removes notes, reasons and messages, keeps the structured facts and names what went', () => {
    expect(JSON.parse(redactEventDetail(JSON.stringify({ text: 'Anna phoned' })) ?? '')).toEqual({ redacted: ['text'] });
    expect(JSON.parse(redactEventDetail(JSON.stringify({ days: 30, reason: 'Anna’s records are on tape', dueOn: '2026-08-01' })) ?? '')).toEqual({
      days: 30,
      dueOn: '2026-08-01',
      redacted: ['reason'],
    });
    expect(JSON.parse(redactEventDetail(JSON.stringify({ method: 'identity-document', note: 'passport AB123' })) ?? '')).toEqual({
      method: 'identity-document',
      redacted: ['note'],
    });
    // The consent id a DPO linked is the person's too: it goes with the request's own consent id.
    expect(JSON.parse(redactEventDetail(JSON.stringify({ consentId: 'vvvvvvvvvvvvvvvvvvvvvv', note: 'receipt compared' })) ?? '')).toEqual({
      redacted: ['consentId', 'note'],
    });
    expect(JSON.parse(redactEventDetail('not json') ?? '')).toEqual({ redacted: ['detail'] });
  });

  test('leaves alone a detail with nothing personal in it', () => {
    expect(redactEventDetail(null)).toBeUndefined();
    expect(redactEventDetail(JSON.stringify({ method: 'email-link' }))).toBeUndefined();
    expect(redactEventDetail(JSON.stringify({ counts: { consentRecords: 3 } }))).toBeUndefined();
    expect(redactEventDetail(JSON.stringify({ email: 'completed', error: 'ECONNREFUSED' }))).toBeUndefined();
  });
});
