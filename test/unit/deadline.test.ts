import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addCalendarDays,
  daysBetween,
  deadlineFor,
  deadlineState,
  endOfLocalDay,
  extensionProblem,
  localDate,
  startOfLocalDay,
} from '../../src/lib/deadline.ts';

const athens = 'Europe/Athens';
const at = (iso: string) => Date.parse(iso);

describe('the 30-day deadline, in the organisation time zone', () => {
  test('is the calendar date 30 days after the local day of receipt, answerable until the end of that day', () => {
    const deadline = deadlineFor(at('2026-11-20T10:15:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-12-20');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-12-20T21:59:59.999Z');
  });

  test('counts from the local date, not the UTC date, around midnight', () => {
    // 22:30 UTC on 31 January is already 1 February in Athens (UTC+2); February 2026 has 28 days.
    expect(deadlineFor(at('2026-01-31T22:30:00Z'), athens).dueOn).toBe('2026-03-03');
    expect(deadlineFor(at('2026-01-31T21:59:59Z'), athens).dueOn).toBe('2026-03-02');
    // The same moment is still 31 January in Warsaw (UTC+1).
    expect(deadlineFor(at('2026-01-31T22:30:00Z'), 'Europe/Warsaw').dueOn).toBe('2026-03-02');
  });

  test('ends at local midnight with the offset of the due day when summer time starts in between', () => {
    // Received in winter (UTC+2), due after the change on 29 March (UTC+3).
    const deadline = deadlineFor(at('2026-03-10T12:00:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-04-09');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-04-09T20:59:59.999Z');
  });

  test('ends at local midnight with the offset of the due day when summer time ends in between', () => {
    // 00:30 on 25 October in Athens (still UTC+3 until 04:00), due in winter (UTC+2).
    const deadline = deadlineFor(at('2026-10-24T21:30:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-11-24');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-11-24T21:59:59.999Z');
  });

  test('the days on which the clocks change are 23 and 25 hours long', () => {
    expect(endOfLocalDay('2026-03-29', athens) + 1 - startOfLocalDay('2026-03-29', athens)).toBe(23 * 3600_000);
    expect(endOfLocalDay('2026-10-25', athens) + 1 - startOfLocalDay('2026-10-25', athens)).toBe(25 * 3600_000);
  });

  test('follows month ends, year ends and leap years', () => {
    expect(deadlineFor(at('2028-02-01T10:00:00Z'), athens).dueOn).toBe('2028-03-02');
    expect(deadlineFor(at('2028-01-31T10:00:00Z'), athens).dueOn).toBe('2028-03-01');
    expect(deadlineFor(at('2027-01-31T10:00:00Z'), athens).dueOn).toBe('2027-03-02');
    expect(deadlineFor(at('2026-12-15T10:00:00Z'), athens).dueOn).toBe('2027-01-14');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(daysBetween('2027-12-31', '2028-12-31')).toBe(366);
  });

  test('an extension adds up to 60 days to the 30', () => {
    const received = at('2026-11-20T10:15:00Z');
    expect(deadlineFor(received, athens, 60).dueOn).toBe('2027-02-18');
    expect(daysBetween(localDate(received, athens), deadlineFor(received, athens, 60).dueOn)).toBe(90);
  });

  test('holds for any moment and any of our time zones (property)', () => {
    const zones = ['Europe/Athens', 'Europe/Sofia', 'Europe/Amsterdam', 'Europe/Warsaw', 'UTC', 'America/New_York', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2099-12-31T00:00:00Z') }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 60 }), (received, zone, extension) => {
        const { dueOn, dueAt } = deadlineFor(received, zone, extension);
        expect(daysBetween(localDate(received, zone), dueOn)).toBe(30 + extension);
        expect(localDate(dueAt, zone)).toBe(dueOn);
        expect(localDate(dueAt + 1, zone)).toBe(addCalendarDays(dueOn, 1));
        expect(dueAt).toBeGreaterThan(received);
      }),
      { numRuns: 2000 },
    );
  });

  test('refuses dates that are not calendar dates', () => {
    expect(() => addCalendarDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('20261220', '2026-12-21')).toThrow(RangeError);
  });
});

describe('where a deadline stands', () => {
  test('days left, due soon (7 days or fewer) and overdue', () => {
    expect(deadlineState('2026-12-20', '2026-11-20')).toEqual({ daysLeft: 30, overdue: false, dueSoon: false });
    expect(deadlineState('2026-12-20', '2026-12-12')).toEqual({ daysLeft: 8, overdue: false, dueSoon: false });
    expect(deadlineState('2026-12-20', '2026-12-13')).toEqual({ daysLeft: 7, overdue: false, dueSoon: true });
    expect(deadlineState('2026-12-20', '2026-12-19')).toEqual({ daysLeft: 1, overdue: false, dueSoon: true });
    expect(deadlineState('2026-12-20', '2026-12-20')).toEqual({ daysLeft: 0, overdue: false, dueSoon: true });
    expect(deadlineState('2026-12-20', '2026-12-21')).toEqual({ daysLeft: -1, overdue: true, dueSoon: false });
  });
});

describe('extending a deadline', () => {
  test('once, by 1 to 60 whole days, with a reason', () => {
    expect(extensionProblem({ days: 60, reason: 'Many requests from the same person', alreadyExtended: false })).toBeUndefined();
    expect(extensionProblem({ days: 1, reason: 'Complex', alreadyExtended: false })).toBeUndefined();
    expect(extensionProblem({ days: 61, reason: 'Complex', alreadyExtended: false })).toBe('days');
    expect(extensionProblem({ days: 0, reason: 'Complex', alreadyExtended: false })).toBe('days');
    expect(extensionProblem({ days: 10.5, reason: 'Complex', alreadyExtended: false })).toBe('days');
    expect(extensionProblem({ days: 30, reason: '   ', alreadyExtended: false })).toBe('reason');
    expect(extensionProblem({ days: 30, reason: 'Complex', alreadyExtended: true })).toBe('alreadyExtended');
  });
});
