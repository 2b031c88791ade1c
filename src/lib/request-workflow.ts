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
] as const;
export type RequestEventKind = (typeof requestEventKinds)[number];

/** Events the requester sees on their status page; notes, exports and delivery problems are for the DPO. */
export const requesterVisibleEvents: ReadonlySet<RequestEventKind> = new Set(['received', 'identity-verified', 'started', 'extended', 'completed', 'rejected']);

/** How a request's identity was established: the requester's email link, or a check the DPO made. */
export const verificationMethods = ['email-link', 'customer-account', 'identity-document', 'other'] as const;
export type VerificationMethod = (typeof verificationMethods)[number];

export type WorkflowAction = 'verify' | 'start' | 'note' | 'extend' | 'complete' | 'reject' | 'erase';

/** The statuses of a request still waiting for its answer. */
export const openStatuses: readonly RequestStatus[] = ['received', 'verified', 'in-progress'];
const open = openStatuses;

/** From which statuses each action may be taken. */
const allowedFrom: Record<WorkflowAction, readonly RequestStatus[]> = {
  verify: ['received'],
  start: ['verified'],
  note: ['received', 'verified', 'in-progress', 'completed', 'rejected'],
  extend: open,
  complete: ['in-progress'],
  reject: open,
  erase: ['in-progress'],
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
};

export interface WorkflowSubject {
  status: RequestStatus;
  type: RequestType;
  extended: boolean;
}

/** Why an action may not be taken now, or undefined when it may. */
export function transitionProblem(request: WorkflowSubject, action: WorkflowAction): 'status' | 'alreadyExtended' | 'type' | undefined {
  if (!allowedFrom[action].includes(request.status)) return 'status';
  if (action === 'extend' && request.extended) return 'alreadyExtended';
  if (action === 'erase' && request.type !== 'erasure') return 'type';
  return undefined;
}

/** The status after an action that `transitionProblem` allowed. */
export function statusAfter(status: RequestStatus, action: WorkflowAction): RequestStatus {
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
