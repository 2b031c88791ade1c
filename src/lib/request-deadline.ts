import { deadlineInForce, isLate, type Deadline } from './deadline.ts';
import { deadlineAfterWait, openQuestion, type OpenQuestion } from './information-wait.ts';

/** What a request's page, status page and export say about its deadline. */
export interface RequestDeadline {
  /** The deadline the request is measured against (see deadlineInForce); while it stands still, as it is today. */
  inForce: Deadline;
  /** Answered after it, or still open after it: late for good once answered late. */
  late: boolean;
  /** The calendar months an extension added; null without one, or for an old extension granted in days. */
  extensionMonths: number | null;
  /** The question waiting for the requester's answer, if one does (its `pausedSince`: the clock stands still). */
  waitingFor: OpenQuestion | undefined;
}

/** The deadline a request is held to, from the request and its `extended` and question events (if any). */
export function requestDeadline(
  request: { dueOn: string; dueAt: number; extensionDays: number | null; closedAt: number | null; status: string },
  events: readonly { kind: string; occurredAt: number; detail: string | null }[],
  timeZone: string,
  now: number,
): RequestDeadline {
  const extended = events.find((event) => event.kind === 'extended');
  const question = request.status === 'waiting' ? openQuestion(events) : undefined;
  // While the clock stands still, each day waited moves the deadline by a day: as it would be if the answer came now
  // (the first deadline with it, against which an extension's timing is measured).
  const moved = question ? { ...request, ...deadlineAfterWait(request.dueOn, question, now, timeZone) } : request;
  const inForce = deadlineInForce(moved, extended?.occurredAt ?? null, timeZone);
  const detail = extended?.detail ? (JSON.parse(extended.detail) as { months?: unknown }) : null;
  return {
    inForce,
    late: isLate(inForce, request.closedAt, now),
    extensionMonths: typeof detail?.months === 'number' ? detail.months : null,
    waitingFor: question,
  };
}
