import type { Translate } from './i18n.ts';
/**
 * The deadline of a data-subject request (GDPR Art. 12(3)): one month from receipt, counted as Regulation 1182/71
 * counts months (from the day after receipt to the same date of the next month, or that month's last day when it has
 * no such date), or 30 calendar days, whichever the organisation chose; by default the earlier of the two, so both the
 * law's month and the 30 days the organisation promises hold. Counted in the organisation's time zone: a deadline is a
 * calendar date, and the request must be answered by the end of that day where the organisation is. An extension adds
 * one or two further calendar months to the first deadline, once, with a reason, and only before that deadline ran out.
 */

/** Which deadline the organisation keeps: 30 calendar days, one calendar month, or the earlier of the two. */
export const deadlineRules = ['30-days', 'one-month', 'earlier'] as const;
export type DeadlineRule = (typeof deadlineRules)[number];
export const defaultDeadlineRule: DeadlineRule = 'earlier';

export const responseDays = 30;
export const maxExtensionMonths = 2;
/** A request due within this many days (or today) is "due soon". */
export const dueSoonDays = 7;

const dayMs = 24 * 60 * 60 * 1000;
const calendarDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of a moment in a time zone. */
export function localDate(epochMs: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(epochMs));
}

function dateToUtcMs(date: string): number {
  const match = calendarDate.exec(date);
  if (!match) throw new RangeError(`Not a calendar date: ${date}`);
  const [, year, month, day] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`Not a calendar date: ${date}`);
  return ms;
}

/** A calendar date moved by whole days: month ends and leap years as the calendar has them. */
export function addCalendarDays(date: string, days: number): string {
  return new Date(dateToUtcMs(date) + days * dayMs).toISOString().slice(0, 10);
}

/** Whole calendar days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / dayMs);
}

/** The UTC offset of a time zone at a moment, in milliseconds (+2 h for Athens in winter). */
function offsetMs(epochMs: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(new Date(epochMs)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 60 + Number(match[3])) * 60 * 1000;
}

/** The moment a calendar day begins in a time zone (its local midnight), as epoch milliseconds. */
export function startOfLocalDay(date: string, timeZone: string): number {
  const utcMidnight = dateToUtcMs(date);
  // Guess with the offset at UTC midnight, then correct once with the offset at the guess (a DST change on that day).
  const guess = utcMidnight - offsetMs(utcMidnight, timeZone);
  return utcMidnight - offsetMs(guess, timeZone);
}

/** The last millisecond of a calendar day in a time zone: the moment a deadline on that day runs out. */
export function endOfLocalDay(date: string, timeZone: string): number {
  return startOfLocalDay(addCalendarDays(date, 1), timeZone) - 1;
}

/**
 * A calendar date moved by whole months: the same day of the month, or that month's last day when it has none
 * (31 January + 1 month = 28 or 29 February), as Regulation 1182/71 Art. 3(2)(c) ends a period counted in months.
 */
export function addCalendarMonths(date: string, months: number): string {
  dateToUtcMs(date);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return new Date(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

export interface Deadline {
  /** The calendar date by which the request must be answered, in the organisation's time zone. */
  dueOn: string;
  /** The end of that day there, as epoch milliseconds. */
  dueAt: number;
}

function deadlineOn(dueOn: string, timeZone: string): Deadline {
  return { dueOn, dueAt: endOfLocalDay(dueOn, timeZone) };
}

/** The date a request received on `receivedOn` (a local calendar date) is due under a rule. */
export function dueDateFor(receivedOn: string, rule: DeadlineRule = defaultDeadlineRule): string {
  const days = addCalendarDays(receivedOn, responseDays);
  const month = addCalendarMonths(receivedOn, 1);
  if (rule === '30-days') return days;
  if (rule === 'one-month') return month;
  // biome-ignore lint/complexity/useMathMinMax: ISO dates compared as strings; Math.min would make them NaN
  return days < month ? days : month;
}

/** The first deadline of a request received at `receivedAt`, under the organisation's rule and in its time zone. */
export function deadlineFor(receivedAt: number, timeZone: string, rule: DeadlineRule = defaultDeadlineRule): Deadline {
  return deadlineOn(dueDateFor(localDate(receivedAt, timeZone), rule), timeZone);
}

/** The deadline after an extension of the first deadline (`firstDueOn`) by whole calendar months. */
export function extendedDeadline(firstDueOn: string, months: number, timeZone: string): Deadline {
  return deadlineOn(addCalendarMonths(firstDueOn, months), timeZone);
}

/**
 * The first deadline of a request, before any extension. `extension_days` holds the days an extension added to it,
 * for extensions by days (before months) and by months alike, so the first date is always the due date minus them.
 */
export function firstDeadline(request: { dueOn: string; extensionDays: number | null }, timeZone: string): Deadline {
  return deadlineOn(addCalendarDays(request.dueOn, -(request.extensionDays ?? 0)), timeZone);
}

/**
 * The deadline in force: the extended one when the extension was granted before the first deadline ran out, the
 * first one otherwise (an extension granted late, which the portal refused to grant from issue 13 on, does not
 * excuse the delay). `extendedAt` is the moment of the `extended` event, when there is one.
 */
export function deadlineInForce(
  request: { dueOn: string; dueAt: number; extensionDays: number | null },
  extendedAt: number | null,
  timeZone: string,
): Deadline {
  if (request.extensionDays === null) return { dueOn: request.dueOn, dueAt: request.dueAt };
  const first = firstDeadline(request, timeZone);
  return extendedAt !== null && extendedAt <= first.dueAt ? { dueOn: request.dueOn, dueAt: request.dueAt } : first;
}

/**
 * Whether a request is late: answered after the deadline in force, or still open after it. Once answered late it
 * stays late for good.
 */
export function isLate(deadline: Deadline, closedAt: number | null, now: number): boolean {
  return (closedAt ?? now) > deadline.dueAt;
}

export type ExtensionProblem = 'months' | 'reason' | 'alreadyExtended' | 'tooLate';

/**
 * Whether an extension may be granted: once per request, by 1 or 2 whole calendar months, with a reason, and only
 * while the first deadline has not run out (Art. 12(3): the delay is announced within the first month).
 * Returns the problem, or undefined when it may.
 */
export function extensionProblem(input: {
  months: number;
  reason: string;
  alreadyExtended: boolean;
  firstDueAt: number;
  now: number;
}): ExtensionProblem | undefined {
  if (input.alreadyExtended) return 'alreadyExtended';
  if (input.now > input.firstDueAt) return 'tooLate';
  if (!Number.isInteger(input.months) || input.months < 1 || input.months > maxExtensionMonths) return 'months';
  if (input.reason.trim().length === 0) return 'reason';
  return undefined;
}

export interface DeadlineState {
  /** Days from today to the due date: 0 on the day itself, negative once overdue. */
  daysLeft: number;
  overdue: boolean;
  /** Due within `dueSoonDays` days, today included, and not yet overdue. */
  dueSoon: boolean;
}

/** Where a deadline stands on a day (both calendar dates in the organisation's time zone). */
export function deadlineState(dueOn: string, today: string): DeadlineState {
  const daysLeft = daysBetween(today, dueOn);
  return { daysLeft, overdue: daysLeft < 0, dueSoon: daysLeft >= 0 && daysLeft <= dueSoonDays };
}

/** Where a deadline stands at a moment, in the organisation's time zone. */
export function deadlineStateAt(dueOn: string, now: number, timeZone: string): DeadlineState {
  return deadlineState(dueOn, localDate(now, timeZone));
}

/** "5 days left", "due today" or "3 days overdue", plural-correct in the reader's language. */
export function daysLeftText(state: Pick<DeadlineState, 'daysLeft' | 'overdue'>, t: Translate): string {
  if (state.overdue) return t('requests.status.overdue', { count: -state.daysLeft });
  return state.daysLeft === 0 ? t('requests.status.dueToday') : t('requests.status.daysLeft', { count: state.daysLeft });
}
