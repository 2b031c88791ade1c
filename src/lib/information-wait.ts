import { addCalendarDays, daysBetween, endOfLocalDay, localDate, type Deadline } from './deadline.ts';
import { informationReasons, type InformationReason } from './request-workflow.ts';
import type { RequestStatus } from './requests.ts';

/**
 * How a question to the requester acts on the deadline (EDPB Guidelines 01/2022 on the right of access, para. 159; the
 * README's "Waiting for the requester"): while the portal waits for what identifies the requester, or for them to
 * specify what they ask for (recital 63), the time is suspended; it runs again from the day the answer arrives, the
 * due date moved by as many calendar days as the wait took.
 */
const pausingReasons: ReadonlySet<InformationReason> = new Set(['identification', 'clarification']);

/** Whether a question asked for this reason stops the deadline's clock until it is answered. */
export function pausesDeadline(reason: InformationReason): boolean {
  return pausingReasons.has(reason);
}

/** A question the requester has not answered yet, as the events tell it. */
export interface OpenQuestion {
  reason: InformationReason;
  question: string;
  /** When the latest question was asked. */
  askedAt: number;
  /** The status the request had before the first unanswered question: it returns there once answered. */
  from: RequestStatus;
  /** Since when the deadline stands still (the first unanswered question that stops it); null when it runs. */
  pausedSince: number | null;
}

interface EventLike {
  kind: string;
  occurredAt: number;
  detail: string | null;
}

function questionOf(detail: string | null): { reason: InformationReason; question: string; from?: RequestStatus } | undefined {
  if (!detail) return undefined;
  const value = JSON.parse(detail) as { reason?: unknown; question?: unknown; from?: unknown };
  if (!(informationReasons as readonly unknown[]).includes(value.reason) || typeof value.question !== 'string') return undefined;
  return {
    reason: value.reason as InformationReason,
    question: value.question,
    ...(typeof value.from === 'string' ? { from: value.from as RequestStatus } : {}),
  };
}

/**
 * The question waiting for the requester's answer, from a request's events (oldest first): the latest one asked since
 * the last answer, with the earliest moment since then that stopped the deadline. Undefined when none waits.
 */
export function openQuestion(events: readonly EventLike[]): OpenQuestion | undefined {
  let open: OpenQuestion | undefined;
  for (const event of events) {
    if (event.kind === 'information-provided' || event.kind === 'completed' || event.kind === 'rejected') {
      open = undefined;
      continue;
    }
    if (event.kind !== 'information-requested') continue;
    const asked = questionOf(event.detail);
    if (!asked) continue;
    const pausedNow = pausesDeadline(asked.reason) ? event.occurredAt : null;
    open = {
      reason: asked.reason,
      question: asked.question,
      askedAt: event.occurredAt,
      from: open?.from ?? asked.from ?? 'received',
      pausedSince: open?.pausedSince ?? pausedNow,
    };
  }
  return open;
}

/** Calendar days the deadline stood still: from the day it stopped to the day the answer came (or today). */
export function pausedDays(pausedSince: number | null, until: number, timeZone: string): number {
  if (pausedSince === null) return 0;
  return Math.max(0, daysBetween(localDate(pausedSince, timeZone), localDate(until, timeZone)));
}

/**
 * The deadline once the requester answers at `answeredAt` (or as it would stand if they answered then): the due date
 * moved by the calendar days the clock stood still, due at the end of that day in the organisation's time zone. A
 * question asked once the deadline had run out stops nothing: the request is late already.
 */
export function deadlineAfterWait(dueOn: string, question: Pick<OpenQuestion, 'pausedSince'>, answeredAt: number, timeZone: string): Deadline {
  const dueAt = endOfLocalDay(dueOn, timeZone);
  if (question.pausedSince === null || question.pausedSince > dueAt) return { dueOn, dueAt };
  const moved = addCalendarDays(dueOn, pausedDays(question.pausedSince, answeredAt, timeZone));
  return { dueOn: moved, dueAt: endOfLocalDay(moved, timeZone) };
}

/** The requester's latest answer to a question, as its event holds it: when, their text, and the file they sent. */
export interface InformationAnswer {
  answeredAt: number;
  /** The question it answers (the latest asked before it). */
  question: string | undefined;
  text: string | undefined;
  file: { id: number; name: string } | undefined;
}

/** The latest answer among a request's events (oldest first), or undefined when the requester never answered. */
export function latestAnswer(events: readonly EventLike[]): InformationAnswer | undefined {
  let question: string | undefined;
  let answer: InformationAnswer | undefined;
  for (const event of events) {
    if (event.kind === 'information-requested') question = questionOf(event.detail)?.question;
    if (event.kind !== 'information-provided') continue;
    const detail = (event.detail ? JSON.parse(event.detail) : {}) as { text?: unknown; fileId?: unknown; name?: unknown };
    answer = {
      answeredAt: event.occurredAt,
      question,
      text: typeof detail.text === 'string' ? detail.text : undefined,
      file: typeof detail.fileId === 'number' && typeof detail.name === 'string' ? { id: detail.fileId, name: detail.name } : undefined,
    };
  }
  return answer;
}
