import type { RequestRow, RequestTaskRow } from '../../../db/rows.ts';
import type { Processor } from '../organisation.ts';
import type { RequestType } from '../requests.ts';
import type { Identifiers, System } from './register.ts';

// What a request asks of the systems that hold the person's data: one task per relevant system (and, for an
// erasure, per recipient the notice names), planned here as plain data; src/lib/systems/tasks.repo.ts stores them.

export const taskStatuses = ['pending', 'running', 'done', 'failed', 'not-applicable'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
/** collect: access/portability data; erase; restrict; forward: the requester's text to the owner; notify: Art. 19. */
export const taskActions = ['collect', 'erase', 'restrict', 'forward', 'notify'] as const;
export type TaskAction = (typeof taskActions)[number];
export const taskChannels = ['sql', 'webhook', 'manual', 'email'] as const;
export type TaskChannel = (typeof taskChannels)[number];

/** Statuses a task is still open in: the DPO completes an access request past one only with a reason. */
export const openTaskStatuses: readonly TaskStatus[] = ['pending', 'running', 'failed'];

/** A recipient named by the notice (content/organisation.json `processors`), notified of an erasure (Art. 19). */
export interface Recipient {
  id: string;
  email: string;
}

export interface PlannedTask {
  /** The system's id, or `recipient:<id>`. */
  system: string;
  action: TaskAction;
  channel: TaskChannel;
  /**
   * False: created waiting (no attempt scheduled) until the DPO executes the erasure; the erasure tasks of systems
   * and the recipients' notifications run only then.
   */
  runsAtStart: boolean;
}

/** The action a system performs for a request type, and through which channel; undefined: the system has no part. */
function taskOf(system: System, type: RequestType): Omit<PlannedTask, 'system' | 'runsAtStart'> | undefined {
  switch (type) {
    case 'access':
    case 'portability':
      if (system.kind === 'sql') {
        const queries = type === 'portability' ? (system.statements.portability ?? system.statements.access) : system.statements.access;
        return queries.length ? { action: 'collect', channel: 'sql' } : undefined;
      }
      return { action: 'collect', channel: system.kind };
    case 'erasure':
      // A database without erasure statements is erased by its owner, by hand.
      if (system.kind === 'sql') return { action: 'erase', channel: system.statements.erasure.length ? 'sql' : 'manual' };
      return { action: 'erase', channel: system.kind };
    case 'restriction':
      if (system.kind === 'sql') return { action: 'restrict', channel: system.statements.restriction.length ? 'sql' : 'manual' };
      return { action: 'restrict', channel: system.kind };
    case 'rectification':
    case 'objection':
      // The owner reads the requester's own words and acts on them; a webhook system receives them as a message.
      return { action: 'forward', channel: system.kind === 'webhook' ? 'webhook' : 'manual' };
  }
}

/** The tasks a request of `type` gets when the DPO starts it, in register order, recipients last. */
export function planTasks(type: RequestType, systems: readonly System[], recipients: readonly Recipient[]): PlannedTask[] {
  const planned = systems.flatMap((system) => {
    const task = taskOf(system, type);
    return task ? [{ system: system.id, ...task, runsAtStart: type !== 'erasure' }] : [];
  });
  if (type === 'erasure') {
    for (const recipient of recipients) planned.push({ system: `recipient:${recipient.id}`, action: 'notify', channel: 'email', runsAtStart: false });
  }
  return planned;
}

/**
 * The date a task is due: a week before the request's due date, so the DPO has time to answer, but never before the
 * day after the task was made (a request started late still gives the owner a day).
 */
export function taskDueOn(requestDueOn: string, today: string): string {
  const candidates = [addDays(requestDueOn, -7), addDays(today, 1)].sort();
  return [candidates[1] ?? requestDueOn, requestDueOn].sort()[0] ?? requestDueOn;
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Why a task failed, as a code the DPO's page translates (`dpo.tasks.errors.<code>`), with a detail that names no person. */
export const taskErrorCodes = [
  'unreachable',
  'timeout',
  'badAnswer',
  'tooLarge',
  'signatureRejected',
  'httpStatus',
  'statementFailed',
  'mailFailed',
  'gaveUp',
] as const;
export type TaskErrorCode = (typeof taskErrorCodes)[number];
export interface TaskError {
  code: TaskErrorCode;
  /** For the DPO: an HTTP status, a driver's error class, a statement name; never a parameter's value. */
  detail?: string;
}

/** One labelled table of collected data. */
export interface CollectedTable {
  name: string;
  /** Per locale; from the register for SQL, from the answer (or the name) for a webhook. */
  label: Record<string, string> | null;
  columns: string[];
  /** Per column, per locale, from the register's `columns` (SQL systems); absent: the columns are shown by name. */
  columnLabels?: Record<string, Record<string, string>>;
  rows: unknown[][];
}

/** What a finished task holds, by action. Personal data: removed when the request's subject is erased. */
export type TaskResult =
  /** `note`: a manual system's owner's words with their files, or why they hold nothing (the files are in `request_files`). */
  | { kind: 'collected'; tables: CollectedTable[]; collectedAt: number; note?: string }
  | { kind: 'erased'; counts: Record<string, number> }
  | { kind: 'restricted'; counts: Record<string, number> }
  | { kind: 'confirmed'; note: string; by: 'owner' | 'webhook' }
  | { kind: 'notified'; messageId: string | null };

/** What carrying out a task once came to; the runner turns it into the task's new state and its events. */
export type AttemptOutcome =
  | { kind: 'done'; result: TaskResult }
  /** The system took it (webhook 202) or its owner was emailed: the task waits for the callback or the owner's page. */
  | { kind: 'waiting'; tokenHash: string; tokenExpiresAt: number }
  | { kind: 'failed'; error: TaskError; retryable: boolean };

/**
 * The identifiers a system may receive for a request: the address, proven by the requester's email link; the customer
 * reference and phone number only once the DPO verified the identity another way (customer account, identity
 * document), since anyone can type someone else's customer number next to their own address.
 */
export function verifiedIdentifiers(
  request: { email: string; customerReference: string | null; phone: string | null; anonymisedAt: number | null },
  verificationMethod: string | undefined,
): Identifiers {
  const checkedByDpo = verificationMethod !== undefined && verificationMethod !== 'email-link';
  return {
    // A request the DPO recorded from a letter or a call may have no address: an empty one would match every blank.
    email: request.anonymisedAt === null && request.email !== '' ? request.email : null,
    customerReference: checkedByDpo ? request.customerReference?.trim() || null : null,
    phone: checkedByDpo ? request.phone?.trim() || null : null,
  };
}

/** What a connector gets to carry out one attempt of a task. */
export interface TaskContext {
  task: RequestTaskRow;
  request: RequestRow;
  /** The system of content/systems.json the task names; undefined for a recipient's notification. */
  system: System | undefined;
  /** The processor a `notify` task names. */
  recipient: Processor | undefined;
  identifiers: Identifiers;
  now: number;
  /** The portal's canonical origin (PUBLIC_URL): callback and task-page links are made on it. */
  portalOrigin: string;
}

/** Carries out one attempt of a task through its channel; never throws for a fault of the system (it fails the attempt). */
export type Connector = (context: TaskContext) => Promise<AttemptOutcome>;

/** A mail to an owner or a recipient that could not be sent: the attempt failed, to be tried again. */
export function mailFailed(error: unknown): AttemptOutcome {
  return { kind: 'failed', error: { code: 'mailFailed', detail: error instanceof Error ? error.name : 'error' }, retryable: true };
}
