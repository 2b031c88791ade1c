import type { RequestEventRow, RequestExportRow, RequestRow, RequestTaskRow } from '../../db/rows.ts';
import { tasksOf } from '../lib/systems/tasks.repo.ts';
import { erasureScope, type ErasureScope } from '../lib/erasure.repo.ts';
import { requestDeadline, type RequestDeadline } from '../lib/request-deadline.ts';
import { recordedIntakeOf, type RecordedIntake } from '../lib/request-intake.ts';
import { anonymisation } from '../lib/request-trail.ts';
import { transitionProblem, verificationMethodIn, workflowActions, type WorkflowAction } from '../lib/request-workflow.ts';
import { eventsOf, exportOf, findRequest, marketingConsentsOf } from '../lib/requests.repo.ts';
import { activeMarketingCounts } from '../lib/marketing.repo.ts';
import type { MarketingChannel } from '../lib/marketing.ts';
import { answerFilesUntil, downloadsUntil } from '../lib/request-downloads.ts';
import { allDpoUsers } from '../lib/dpo.repo.ts';
import { filesListOf, type RequestFileListing } from '../lib/request-files.repo.ts';
import { isDirectMarketingObjection, isReference } from '../lib/requests.ts';
import { requestDocument } from '../lib/subject-export.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';

/** A request as the DPO works it: the row, its trail and export, its deadline and what the workflow allows now. */
export interface DpoRequestCase {
  request: RequestRow;
  events: RequestEventRow[];
  download: RequestExportRow | undefined;
  /** The export's link has expired (it is kept for the trail). */
  downloadExpired: boolean;
  deadline: RequestDeadline;
  /** The actions the workflow allows from the request's status. */
  allowed: readonly WorkflowAction[];
  /** The first deadline has passed: an extension can no longer be granted (the form gives way to a notice). */
  tooLateToExtend: boolean;
  /** The erasure already carried out, if any. */
  erasure: RequestEventRow | undefined;
  /** What an erasure would remove, when the DPO asked to review it and it may still be done. */
  erasurePreview: ErasureScope | undefined;
  /** The request's tasks in the systems and to its recipients, in the order they were made. */
  tasks: RequestTaskRow[];
  /** The request's files (owners' uploads, webhooks' answers, the DPO's attachments), without their content. */
  files: RequestFileListing[];
  /** The files the systems' owners uploaded on their task pages (of `files`). */
  ownerFiles: RequestFileListing[];
  /** The enabled DPO accounts, to assign the request to (and its assignee, if disabled since). */
  accounts: { id: number; email: string; disabled: boolean }[];
  /** Until when the requester's downloads run (the package, or the answer's files), if there are any. */
  downloadsUntil: number | undefined;
  /** An open objection to direct marketing: the person's marketing consents its completion withdraws, per channel. */
  marketingToWithdraw: Record<MarketingChannel, number> | undefined;
  /** Who anonymised the request (retention, its own erasure, another request's erasure), if anyone did. */
  anonymisedBy: ReturnType<typeof anonymisation>;
  /** How a request received by post, phone or email came in, and who recorded it; undefined for an online one. */
  intake: RecordedIntake | undefined;
}

/**
 * Opens a request for the DPO's page, read in one snapshot: undefined when the reference names none. With
 * `reviewingErasure`, and while an erasure may still be done, it also reads what the erasure would remove.
 */
export async function openDpoRequest(reference: string, options: { reviewingErasure: boolean }): Promise<DpoRequestCase | undefined> {
  if (!isReference(reference)) return undefined;
  const { store, organisation, clock } = getPortal();
  const now = clock();
  return store.read(async (db) => {
    const request = await findRequest(db, reference);
    if (!request) return undefined;
    const events = await eventsOf(db, request.id);
    const download = await exportOf(db, request.id);
    const files = await filesListOf(db, request.id);
    // The accounts a request can be assigned to, and the one it is assigned to if that was disabled since.
    const accounts = (await allDpoUsers(db))
      .filter((account) => account.disabledAt === null || account.id === request.assignedTo)
      .map((account) => ({ id: account.id, email: account.email, disabled: account.disabledAt !== null }));
    const workflow = {
      ...request,
      extended: request.extensionDays !== null,
      verifiedBy: verificationMethodIn(events.findLast((event) => event.kind === 'identity-verified')?.detail),
    };
    const deadline = requestDeadline(request, events, organisation.timeZone, now);
    const allowed = workflowActions.filter((action) => transitionProblem(workflow, action) === undefined);
    const erasure = events.findLast((event) => event.kind === 'erased');
    const erasurePreview = options.reviewingErasure && allowed.includes('erase') && !erasure ? await erasureScope(db, request) : undefined;
    const marketingToWithdraw =
      isDirectMarketingObjection(request) && allowed.includes('complete') ? await activeMarketingCounts(db, await marketingConsentsOf(db, request)) : undefined;
    return {
      request,
      events,
      marketingToWithdraw,
      download,
      downloadExpired: download !== undefined && download.expiresAt < now,
      deadline,
      allowed,
      // Not extended yet when it may be: the deadline in force is the first one (moved on while a question waits).
      tooLateToExtend: now > deadline.inForce.dueAt,
      erasure,
      erasurePreview,
      tasks: await tasksOf(db, request.id),
      files,
      accounts,
      ownerFiles: files.filter((file) => file.origin === 'owner'),
      downloadsUntil: downloadsUntil(
        download,
        answerFilesUntil(request, events),
        files.some((file) => file.origin === 'dpo'),
      ),
      anonymisedBy: anonymisation(events.findLast((event) => event.kind === 'anonymised')),
      intake: recordedIntakeOf(events),
    };
  });
}

/** One request as JSON (request.v1) with its whole audit trail, for the DPO's download. */
export async function requestDocumentForDpo(reference: string) {
  if (!isReference(reference)) return undefined;
  const { store, organisation, clock } = getPortal();
  const origin = portalOrigin();
  return store.read(async (db) => {
    const request = await findRequest(db, reference);
    return request && { request, document: await requestDocument(db, request, 'dpo', origin, { timeZone: organisation.timeZone, now: clock() }) };
  });
}
