import { deadlineInForce, isLate, type Deadline } from './deadline.ts';

/** What a request's page, status page and export say about its deadline. */
export interface RequestDeadline {
  /** The deadline the request is measured against (see deadlineInForce). */
  inForce: Deadline;
  /** Answered after it, or still open after it: late for good once answered late. */
  late: boolean;
  /** The calendar months an extension added; null without one, or for an old extension granted in days. */
  extensionMonths: number | null;
}

/** The deadline a request is held to, from the request and its `extended` event (if any). */
export function requestDeadline(
  request: { dueOn: string; dueAt: number; extensionDays: number | null; closedAt: number | null },
  events: readonly { kind: string; occurredAt: number; detail: string | null }[],
  timeZone: string,
  now: number,
): RequestDeadline {
  const extended = events.find((event) => event.kind === 'extended');
  const inForce = deadlineInForce(request, extended?.occurredAt ?? null, timeZone);
  const detail = extended?.detail ? (JSON.parse(extended.detail) as { months?: unknown }) : null;
  return { inForce, late: isLate(inForce, request.closedAt, now), extensionMonths: typeof detail?.months === 'number' ? detail.months : null };
}
