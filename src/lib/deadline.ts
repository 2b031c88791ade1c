import type { Translate } from './i18n.ts';
/**
 * The deadline of a data-subject request (GDPR Art. 12(3)): 30 calendar days from receipt, counted in the
 * organisation's time zone, extendable once by up to 60 days with a recorded reason. A deadline is a calendar date;
 * the request must be answered by the end of that day where the organisation is.
 */

export const responseDays = 30;
export const maxExtensionDays = 60;
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

export interface Deadline {
  /** The calendar date by which the request must be answered, in the organisation's time zone. */
  dueOn: string;
  /** The end of that day there, as epoch milliseconds. */
  dueAt: number;
}

/** The deadline of a request received at `receivedAt`: 30 calendar days later, plus an extension if granted. */
export function deadlineFor(receivedAt: number, timeZone: string, extensionDays = 0): Deadline {
  const dueOn = addCalendarDays(localDate(receivedAt, timeZone), responseDays + extensionDays);
  return { dueOn, dueAt: endOfLocalDay(dueOn, timeZone) };
}

export type ExtensionProblem = 'days' | 'reason' | 'alreadyExtended';

/**
 * Whether an extension may be granted: once per request, by 1 to 60 whole days, with a reason.
 * Returns the problem, or undefined when it may.
 */
export function extensionProblem(input: { days: number; reason: string; alreadyExtended: boolean }): ExtensionProblem | undefined {
  if (input.alreadyExtended) return 'alreadyExtended';
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > maxExtensionDays) return 'days';
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
