import { z } from 'zod';
import { localDate, startOfLocalDay } from './deadline.ts';

/**
 * How long the portal keeps what it no longer needs, in calendar months (content/organisation.json `retention`):
 * consent records from the decision, closed requests from their closing. Past it, `npm run retention:apply` deletes
 * expired consent records and anonymises closed requests.
 */
export const retentionDefaults = { consentRecordsMonths: 36, closedRequestsMonths: 36 } as const;

/**
 * Consent proof must outlive the consent it proves: a site's consent lasts up to 395 days (13 months), so a shorter
 * period is refused. Each record is also kept while its own expiry is in the future, whatever the period.
 */
export const minConsentRecordsMonths = 14;
/** A closed request is the proof that a right was answered; complaints about it come months later. */
export const minClosedRequestsMonths = 12;
/** 20 years: anything longer is a typo, not a policy. */
export const maxRetentionMonths = 240;

export const retentionSchema = z
  .strictObject({
    consentRecordsMonths: z.number().int().min(minConsentRecordsMonths).max(maxRetentionMonths).default(retentionDefaults.consentRecordsMonths),
    closedRequestsMonths: z.number().int().min(minClosedRequestsMonths).max(maxRetentionMonths).default(retentionDefaults.closedRequestsMonths),
  })
  .default(retentionDefaults);
export type Retention = z.infer<typeof retentionSchema>;

const calendarDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date moved back by whole months; a day the earlier month lacks becomes its last (31 May − 3 = 28/29 Feb). */
export function subtractCalendarMonths(date: string, months: number): string {
  const match = calendarDate.exec(date);
  if (!match) throw new RangeError(`Not a calendar date: ${date}`);
  const monthIndex = Number(match[1]) * 12 + Number(match[2]) - 1 - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The moment before which a record is past its retention period: the start of the same calendar day `months`
 * months ago, in the organisation's time zone. Records from that day on are kept.
 */
export function retentionCutoff(now: number, months: number, timeZone: string): number {
  return startOfLocalDay(subtractCalendarMonths(localDate(now, timeZone), months), timeZone);
}

export interface RetentionCutoffs {
  consentRecords: number;
  closedRequests: number;
}

/** Both cutoffs of a retention run at `now`. */
export function retentionCutoffs(now: number, retention: Retention, timeZone: string): RetentionCutoffs {
  return {
    consentRecords: retentionCutoff(now, retention.consentRecordsMonths, timeZone),
    closedRequests: retentionCutoff(now, retention.closedRequestsMonths, timeZone),
  };
}

/**
 * What an anonymised request's audit event keeps of its detail: the structured facts (verification method, days or
 * months and the due dates of an extension, erasure counts, which email failed and why, what anonymised the request). Notes, reasons, messages and anything else are free text
 * or derived from the person's data, so they go; the names of what went are kept so the trail says so.
 */
const keptEventFacts = new Set(['method', 'days', 'months', 'dueOn', 'firstDueOn', 'counts', 'email', 'error', 'by', 'erasure']);

/** The detail an event keeps once its request is anonymised, or undefined when nothing in it needs removing. */
export function redactEventDetail(detail: string | null): string | null | undefined {
  if (detail === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return JSON.stringify({ redacted: ['detail'] });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify({ redacted: ['detail'] });
  const entries = Object.entries(value);
  const removed = entries.filter(([key]) => !keptEventFacts.has(key)).map(([key]) => key);
  if (removed.length === 0) return undefined;
  return JSON.stringify({ ...Object.fromEntries(entries.filter(([key]) => keptEventFacts.has(key))), redacted: removed });
}
