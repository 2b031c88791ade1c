import fc from 'fast-check';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import { organisationSchema } from '../../src/lib/organisation.ts';
import { describe, expect, test } from 'vitest';
import {
  addCalendarDays,
  addCalendarMonths,
  daysBetween,
  deadlineFor,
  deadlineInForce,
  deadlineState,
  dueDateFor,
  endOfLocalDay,
  extendedDeadline,
  extensionProblem,
  firstDeadline,
  isLate,
  startOfLocalDay,
  type DeadlineRule,
} from '../../src/lib/deadline.ts';

const athens = 'Europe/Athens';
const at = (iso: string) => Date.parse(iso);

describe('the first deadline, in the organisation time zone', () => {
  test('is the earlier of 30 days and one month after the local day of receipt, answerable until the end of that day', () => {
    const deadline = deadlineFor(at('2026-11-20T10:15:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-12-20');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-12-20T21:59:59.999Z');
  });

  test('received on 15 February: due on 15 March (the month), not 17 March (30 days)', () => {
    expect(deadlineFor(at('2026-02-15T10:00:00Z'), athens).dueOn).toBe('2026-03-15');
    expect(deadlineFor(at('2026-02-15T10:00:00Z'), athens, 'one-month').dueOn).toBe('2026-03-15');
    expect(deadlineFor(at('2026-02-15T10:00:00Z'), athens, '30-days').dueOn).toBe('2026-03-17');
  });

  test('received on 29, 30 or 31 January: due on the last day of February', () => {
    for (const received of ['2027-01-29', '2027-01-30', '2027-01-31']) expect(dueDateFor(received, 'one-month')).toBe('2027-02-28');
    expect(dueDateFor('2028-01-31')).toBe('2028-02-29');
    expect(dueDateFor('2028-01-29')).toBe('2028-02-28');
    expect(dueDateFor('2028-01-30')).toBe('2028-02-29');
  });

  test('in a month of 31 days the 30 days end first, and the earlier rule keeps them', () => {
    expect(dueDateFor('2026-03-10')).toBe('2026-04-09');
    expect(dueDateFor('2026-03-10', 'one-month')).toBe('2026-04-10');
    expect(dueDateFor('2026-03-10', '30-days')).toBe('2026-04-09');
  });

  test('counts from the local date, not the UTC date, around midnight', () => {
    // 22:30 UTC on 31 January is already 1 February in Athens (UTC+2).
    expect(deadlineFor(at('2026-01-31T22:30:00Z'), athens).dueOn).toBe('2026-03-01');
    expect(deadlineFor(at('2026-01-31T21:59:59Z'), athens).dueOn).toBe('2026-02-28');
    // The same moment is still 31 January in Warsaw (UTC+1).
    expect(deadlineFor(at('2026-01-31T22:30:00Z'), 'Europe/Warsaw').dueOn).toBe('2026-02-28');
  });

  test('ends at local midnight with the offset of the due day when summer time starts in between', () => {
    const deadline = deadlineFor(at('2026-03-10T12:00:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-04-09');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-04-09T20:59:59.999Z');
  });

  test('ends at local midnight with the offset of the due day when summer time ends in between', () => {
    // 00:30 on 25 October in Athens (still UTC+3 until 04:00), due in winter (UTC+2): 30 days end on 24 November.
    const deadline = deadlineFor(at('2026-10-24T21:30:00Z'), athens);
    expect(deadline.dueOn).toBe('2026-11-24');
    expect(new Date(deadline.dueAt).toISOString()).toBe('2026-11-24T21:59:59.999Z');
  });

  test('the days on which the clocks change are 23 and 25 hours long', () => {
    expect(endOfLocalDay('2026-03-29', athens) + 1 - startOfLocalDay('2026-03-29', athens)).toBe(23 * 3600_000);
    expect(endOfLocalDay('2026-10-25', athens) + 1 - startOfLocalDay('2026-10-25', athens)).toBe(25 * 3600_000);
  });

  test('months follow month ends, year ends and leap years', () => {
    expect(addCalendarMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addCalendarMonths('2026-12-31', 2)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addCalendarMonths('2100-01-31', 1)).toBe('2100-02-28');
    expect(addCalendarMonths('2026-05-31', 1)).toBe('2026-06-30');
    expect(addCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2027-12-31', '2028-12-31')).toBe(366);
  });

  test('refuses dates that are not calendar dates', () => {
    expect(() => addCalendarDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addCalendarMonths('2026-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('20261220', '2026-12-21')).toThrow(RangeError);
  });
});

/*
 * An independent implementation of the rules, written from Regulation 1182/71 and not from src/lib/deadline.ts: the
 * local date through Intl's parts, months through Date's own overflow (and back to the month's last day when it
 * overflows), days one at a time.
 */
const oracleFormats = new Map<string, Intl.DateTimeFormat>();
function oracleLocalDate(epochMs: number, timeZone: string): string {
  let format = oracleFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    oracleFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(epochMs));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value);
  return iso(Date.UTC(part('year'), part('month') - 1, part('day')));
}
function iso(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}
function oracleMonthsLater(date: string, months: number): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  const candidate = new Date(Date.UTC(year, month - 1 + months, dayOfMonth));
  // No such date in that month (31 April): the period ends on that month's last day.
  if (candidate.getUTCMonth() !== (((month - 1 + months) % 12) + 12) % 12) return iso(Date.UTC(year, month - 1 + months + 1, 0));
  return iso(candidate.getTime());
}
function oracleDaysLater(date: string, days: number): string {
  const moment = new Date(`${date}T12:00:00Z`);
  for (let step = 0; step < days; step += 1) moment.setUTCDate(moment.getUTCDate() + 1);
  return iso(moment.getTime());
}
function oracleDue(receivedOn: string, rule: DeadlineRule): string {
  const month = oracleMonthsLater(receivedOn, 1);
  const days = oracleDaysLater(receivedOn, 30);
  return rule === 'one-month' ? month : rule === '30-days' ? days : [month, days].sort()[0]!;
}

const zones = ['Europe/Athens', 'Europe/Sofia', 'Europe/Amsterdam', 'Europe/Warsaw', 'Pacific/Auckland', 'America/New_York'];
const rules: DeadlineRule[] = ['earlier', 'one-month', '30-days'];

describe('the deadline against an independent implementation of the month rule', () => {
  test('every receipt day of 2023 to 2029, early, midday and late in the local day, in six time zones', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const zone of zones) {
      for (let utcDay = Date.UTC(2023, 0, 1); utcDay <= Date.UTC(2029, 11, 31); utcDay += 24 * 3600_000) {
        // 00:30 UTC, 11:00 UTC and 23:30 UTC fall on different local days in some of these zones: the oracle decides which.
        for (const minutes of [30, 660, 1410]) {
          const received = utcDay + minutes * 60_000;
          const receivedOn = oracleLocalDate(received, zone);
          const { dueOn, dueAt } = deadlineFor(received, zone);
          const expected = oracleDue(receivedOn, 'earlier');
          const endsRight = oracleLocalDate(dueAt, zone) === expected && oracleLocalDate(dueAt + 1, zone) === oracleDaysLater(expected, 1);
          if (dueOn !== expected || !endsRight)
            wrong.push(`${zone} ${new Date(received).toISOString()}: ${dueOn} ${new Date(dueAt).toISOString()}, expected ${expected}`);
          checked += 1;
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBe(zones.length * 2557 * 3);
  }, 120_000);

  test('any moment, rule and extension: the due date is the oracle’s, the extension never ends after the law’s three months (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2099-12-31T00:00:00Z') }),
        fc.constantFrom(...zones, 'UTC', 'Pacific/Chatham'),
        fc.constantFrom(...rules),
        fc.integer({ min: 1, max: 2 }),
        (received, zone, rule, months) => {
          const receivedOn = oracleLocalDate(received, zone);
          const first = deadlineFor(received, zone, rule);
          expect(first.dueOn).toBe(oracleDue(receivedOn, rule));
          expect(oracleLocalDate(first.dueAt, zone)).toBe(first.dueOn);
          expect(oracleLocalDate(first.dueAt + 1, zone)).toBe(oracleDaysLater(first.dueOn, 1));
          expect(first.dueAt).toBeGreaterThan(received);
          // The default never ends after the law's month, nor after the 30 days.
          if (rule === 'earlier') expect(first.dueOn <= oracleMonthsLater(receivedOn, 1) && first.dueOn <= oracleDaysLater(receivedOn, 30)).toBe(true);
          const extended = extendedDeadline(first.dueOn, months, zone);
          expect(extended.dueOn).toBe(oracleMonthsLater(first.dueOn, months));
          if (rule !== '30-days') expect(extended.dueOn <= oracleMonthsLater(receivedOn, 1 + months)).toBe(true);
          expect(oracleLocalDate(extended.dueAt, zone)).toBe(extended.dueOn);
          // The first deadline can be read back from the row: due date minus the days the extension added.
          const extensionDays = daysBetween(first.dueOn, extended.dueOn);
          expect(firstDeadline({ dueOn: extended.dueOn, extensionDays }, zone)).toEqual(first);
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);
});

describe('the deadline in force, and late', () => {
  const request = { dueOn: '2026-04-15', dueAt: at('2026-04-15T20:59:59.999Z'), extensionDays: 31 };
  const firstEnd = at('2026-03-15T21:59:59.999Z');

  test('is the extended one when the extension came in time, the first one when it came late', () => {
    expect(deadlineInForce(request, firstEnd, athens)).toEqual({ dueOn: '2026-04-15', dueAt: request.dueAt });
    expect(deadlineInForce(request, firstEnd + 1, athens)).toEqual({ dueOn: '2026-03-15', dueAt: firstEnd });
    expect(deadlineInForce({ ...request, extensionDays: null }, null, athens)).toEqual({ dueOn: '2026-04-15', dueAt: request.dueAt });
  });

  test('answered after the deadline is late for good; open after it is late now', () => {
    const deadline = { dueOn: '2026-03-15', dueAt: firstEnd };
    expect(isLate(deadline, firstEnd, firstEnd + 1e12)).toBe(false);
    expect(isLate(deadline, firstEnd + 1, firstEnd + 2)).toBe(true);
    expect(isLate(deadline, firstEnd + 1, firstEnd + 1e12)).toBe(true);
    expect(isLate(deadline, null, firstEnd)).toBe(false);
    expect(isLate(deadline, null, firstEnd + 1)).toBe(true);
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
  const firstDueAt = at('2026-03-15T21:59:59.999Z');
  const ask = (input: Partial<Parameters<typeof extensionProblem>[0]>) =>
    extensionProblem({ months: 1, reason: 'Complex', alreadyExtended: false, firstDueAt, now: firstDueAt - 1000, ...input });

  test('once, by 1 or 2 whole calendar months, with a reason', () => {
    expect(ask({ months: 2, reason: 'Many requests from the same person' })).toBeUndefined();
    expect(ask({ months: 1 })).toBeUndefined();
    expect(ask({ months: 3 })).toBe('months');
    expect(ask({ months: 0 })).toBe('months');
    expect(ask({ months: 1.5 })).toBe('months');
    expect(ask({ reason: '   ' })).toBe('reason');
    expect(ask({ alreadyExtended: true })).toBe('alreadyExtended');
  });

  test('only until the first deadline runs out', () => {
    expect(ask({ now: firstDueAt })).toBeUndefined();
    expect(ask({ now: firstDueAt + 1 })).toBe('tooLate');
  });
});

describe('the rule content/organisation.json chooses', () => {
  test('is one of 30-days, one-month or earlier, and earlier when it says nothing', () => {
    const { deadline: _chosen, ...rest } = organisationSource as Record<string, unknown>;
    expect(organisationSchema.parse(rest).deadline).toBe('earlier');
    expect(organisationSchema.parse({ ...rest, deadline: 'one-month' }).deadline).toBe('one-month');
    expect(organisationSchema.safeParse({ ...rest, deadline: '45-days' }).success).toBe(false);
  });
});
