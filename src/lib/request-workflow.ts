import type { RequestStatus, RequestType } from './requests.ts';

/**
 * What can happen to a request, as audit events. `received` is the submission; the others are the requester's email
 * link or the DPO's actions. Every event is kept (append-only); the request's status follows from them.
 */
export const requestEventKinds = [
  'received',
  'identity-verified',
  'started',
  'note',
  'extended',
  'completed',
  'rejected',
  'erased',
  'exported',
  'notification-failed',
  'consent-id-linked',
  'anonymised',
  // The systems' tasks (src/lib/systems): planned at the start, each attempt, the outcome, the DPO's and owners' steps.
  'tasks-planned',
  'task-attempt',
  'task-waiting',
  'task-done',
  'task-failed',
  'task-retried',
  'task-not-applicable',
  'task-callback-refused',
  'file-attached',
  'file-removed',
  'export-renewed',
  // Which DPO works on the request (issue 16): the digest goes to them.
  'assigned',
  // The DPO's question to the requester (identification or clarification) and the requester's answer (issue 16).
  'information-requested',
  'information-provided',
  // The requester asked for a new email verification link (issue 16): the old one stopped working.
  'verification-resent',
] as const;
export type RequestEventKind = (typeof requestEventKinds)[number];

/** Events the requester sees on their status page; notes, exports and delivery problems are for the DPO. */
export const requesterVisibleEvents: ReadonlySet<RequestEventKind> = new Set([
  'received',
  'identity-verified',
  'started',
  'extended',
  'completed',
  'rejected',
  'consent-id-linked',
  'export-renewed',
  'information-requested',
  'information-provided',
]);

/**
 * The part of each visible event's detail the requester may read: what was sent to them anyway (the extension's
 * reason, the answer, the rejection's reason), how their identity was checked, which consent id was linked. The DPO's
 * own words (the verification note, a link's note) stay internal, as does any field a later change adds.
 */
const requesterFacts = new Map<string, readonly string[]>([
  ['identity-verified', ['method']],
  ['extended', ['months', 'days', 'reason', 'dueOn', 'firstDueOn']],
  ['completed', ['message']],
  ['rejected', ['reason']],
  ['consent-id-linked', ['consentId']],
  ['export-renewed', ['until']],
  ['information-requested', ['reason', 'question']],
  ['information-provided', ['text', 'name', 'dueOn']],
]);

/** An event's detail as the requester may see it; null when it has none or none of it is theirs to read. */
export function requesterEventDetail(kind: string, detail: Record<string, unknown> | null): Record<string, unknown> | null {
  const facts = requesterFacts.get(kind) ?? [];
  const kept = Object.entries(detail ?? {}).filter(([key]) => facts.includes(key));
  return kept.length ? Object.fromEntries(kept) : null;
}

/** How a request's identity was established: the requester's email link, or a check the DPO made. */
export const verificationMethods = ['email-link', 'customer-account', 'identity-document', 'other'] as const;
export type VerificationMethod = (typeof verificationMethods)[number];

/** Why the DPO asks the requester for information: to identify them, or to clarify what they want (issue 16). */
export const informationReasons = ['identification', 'clarification'] as const;
export type InformationReason = (typeof informationReasons)[number];

export type WorkflowAction = 'verify' | 'start' | 'note' | 'extend' | 'complete' | 'reject' | 'erase' | 'link' | 'ask';

/** The statuses of a request still waiting for its answer (`waiting`: the requester's answer to a question first). */
export const openStatuses: readonly RequestStatus[] = ['received', 'verified', 'in-progress', 'waiting'];
const open = openStatuses;

/** From which statuses each action may be taken. */
const allowedFrom: Record<WorkflowAction, readonly RequestStatus[]> = {
  // From `verified` and `in-progress` only as a stronger check over the requester's email click (see transitionProblem).
  verify: ['received', 'verified', 'in-progress'],
  start: ['verified'],
  note: ['received', 'verified', 'in-progress', 'waiting', 'completed', 'rejected'],
  extend: open,
  complete: ['in-progress'],
  reject: open,
  erase: ['in-progress'],
  // While the request is open: its export or erasure is still to come.
  link: open,
  // Again while waiting: a new question replaces the one not answered yet.
  ask: open,
};

/** Every action a DPO can take on a request. */
export const workflowActions = Object.keys(allowedFrom) as WorkflowAction[];

/** The status an action leads to. */
const leadsTo: Record<WorkflowAction, RequestStatus | 'unchanged'> = {
  verify: 'verified',
  start: 'in-progress',
  note: 'unchanged',
  extend: 'unchanged',
  complete: 'completed',
  reject: 'rejected',
  erase: 'unchanged',
  link: 'unchanged',
  ask: 'waiting',
};

export interface WorkflowSubject {
  status: RequestStatus;
  type: RequestType;
  extended: boolean;
  /** The consent id the request names and how it was proven: only a named, unproven one can be linked. */
  consentId?: string | null;
  consentIdLinkedBy?: string | null;
  /** True once an erasure was executed on the request: its subject is anonymised, a second run would count nothing. */
  erased?: boolean;
  /** How the identity was last verified (the latest `identity-verified` event's method), if it was. */
  verifiedBy?: string | undefined;
}

/**
 * Whether the DPO may record a verification now: on a received request; and once more over the requester's email click
 * (which proves the address alone) while the request is open, as the stronger check it is: a customer account or an
 * identity document. A DPO's own check is not recorded twice.
 */
function verificationOpen(request: WorkflowSubject): boolean {
  if (request.status === 'received') return true;
  return (request.status === 'verified' || request.status === 'in-progress') && request.verifiedBy === 'email-link';
}

/** How an `identity-verified` event says the identity was checked (its detail's `method`), if it says. */
export function verificationMethodIn(detail: string | null | undefined): string | undefined {
  if (!detail) return undefined;
  const { method } = JSON.parse(detail) as { method?: unknown };
  return typeof method === 'string' ? method : undefined;
}

/**
 * The methods the DPO may record now: over the email click, only a check of their own; and only a check of their own
 * on a request they recorded from a letter, a call or an email, which has no link to click (`verifyTokenHash` null
 * while still received).
 */
export function verificationMethodsFor(request: Pick<WorkflowSubject, 'status'> & { verifyTokenHash: string | null }): readonly VerificationMethod[] {
  const linkSent = request.status === 'received' && request.verifyTokenHash !== null;
  return linkSent ? verificationMethods : verificationMethods.filter((method) => method !== 'email-link');
}

/** Why an action may not be taken now, or undefined when it may. */
export function transitionProblem(
  request: WorkflowSubject,
  action: WorkflowAction,
): 'status' | 'alreadyExtended' | 'type' | 'consentId' | 'alreadyErased' | undefined {
  if (!allowedFrom[action].includes(request.status)) return 'status';
  if (action === 'verify' && !verificationOpen(request)) return 'status';
  if (action === 'extend' && request.extended) return 'alreadyExtended';
  if (action === 'erase' && request.type !== 'erasure') return 'type';
  // At most once per request: the audit trail holds one erasure with its counts, never a second one counting zero.
  if (action === 'erase' && request.erased) return 'alreadyErased';
  if (action === 'link' && (!request.consentId || request.consentIdLinkedBy)) return 'consentId';
  return undefined;
}

/** The status after an action that `transitionProblem` allowed. */
export function statusAfter(status: RequestStatus, action: WorkflowAction): RequestStatus {
  // A stronger check over the email click leaves the request where it is.
  if (action === 'verify' && status !== 'received') return status;
  const next = leadsTo[action];
  return next === 'unchanged' ? status : next;
}

export function isOpen(status: RequestStatus): boolean {
  return open.includes(status);
}

/** The types whose completion hands the requester a JSON export of their data. */
export function producesExport(type: RequestType): boolean {
  return type === 'access' || type === 'portability';
}
