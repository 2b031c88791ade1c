import type { RequestEventRow, RequestExportRow, RequestRow } from '../../db/rows.ts';
import { requestDeadline, type RequestDeadline } from '../lib/request-deadline.ts';
import { requesterVisibleEvents, type RequestEventKind } from '../lib/request-workflow.ts';
import {
  eventsOf,
  exportOf,
  findRequest,
  findRequestForRequester,
  recordEvent,
  verificationPending,
  verifyByEmailLink,
  type EmailVerification,
} from '../lib/requests.repo.ts';
import { isReference } from '../lib/requests.ts';
import { requestDocument } from '../lib/subject-export.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';

/** What a requester's status page shows: their request, the events meant for them, its export and its deadline. */
export interface RequestStatus {
  request: RequestRow;
  /** The events the requester sees (notes, exports and delivery problems are for the DPO). */
  events: RequestEventRow[];
  download: RequestExportRow | undefined;
  /** The export's link has expired. */
  downloadExpired: boolean;
  deadline: RequestDeadline;
  /** The state of the email link the page was opened with (`verify`), if any. */
  verification: EmailVerification | 'pending' | undefined;
}

/**
 * The requester's status page, opened with the token from their email: undefined for an unknown reference or a
 * token that is not the request's (the same 404 as an unknown page).
 */
export async function openRequestStatus(reference: string, token: string | null, verifyToken: string | null): Promise<RequestStatus | undefined> {
  if (!isReference(reference)) return undefined;
  const { store, organisation, clock } = getPortal();
  const now = clock();
  return store.read(async (db) => {
    const request = await findRequestForRequester(db, reference, token);
    if (!request) return undefined;
    const allEvents = await eventsOf(db, request.id);
    const download = await exportOf(db, request.id);
    return {
      request,
      events: allEvents.filter((event) => requesterVisibleEvents.has(event.kind as RequestEventKind)),
      download,
      downloadExpired: download !== undefined && download.expiresAt < now,
      deadline: requestDeadline(request, allEvents, organisation.timeZone, now),
      verification: verifyToken ? verificationPending(request, verifyToken, now) : undefined,
    };
  });
}

/**
 * The requester confirms their address with the link from the received email (posted from the status page, so a mail
 * scanner that opens the link confirms nothing). `notFound` when the status token is not the request's.
 */
export async function verifyRequest(reference: string, token: string | null, verifyToken: string): Promise<EmailVerification | 'notFound'> {
  if (!isReference(reference)) return 'notFound';
  const { store, clock } = getPortal();
  const request = await store.read((db) => findRequestForRequester(db, reference, token));
  if (!request) return 'notFound';
  return verifyByEmailLink(store, request, verifyToken, clock());
}

/** The request this browser just submitted (named by its signed receipt cookie), for the confirmation page. */
export async function submittedRequest(reference: string | undefined): Promise<RequestRow | undefined> {
  if (reference === undefined) return undefined;
  return getPortal().store.read((db) => findRequest(db, reference));
}

/** The requester's download of their request as JSON (request.v1), opened with their status token. */
export async function requestDocumentForRequester(reference: string, token: string | null) {
  if (!isReference(reference)) return undefined;
  const { store, organisation, clock } = getPortal();
  const origin = portalOrigin();
  return store.read(async (db) => {
    const request = await findRequestForRequester(db, reference, token);
    return request && { request, document: await requestDocument(db, request, 'requester', origin, { timeZone: organisation.timeZone, now: clock() }) };
  });
}

export type ExportDownload = { ok: true; request: RequestRow; snapshot: RequestExportRow } | { ok: false; problem: 'notFound' | 'expired' };

/**
 * The requester downloads the JSON export of their completed access or portability request, for 7 days after
 * completion; each download is an audit event.
 */
export async function downloadExport(reference: string, token: string | null): Promise<ExportDownload> {
  if (!isReference(reference)) return { ok: false, problem: 'notFound' };
  const { store, clock } = getPortal();
  const found = await store.read(async (db) => {
    const request = await findRequestForRequester(db, reference, token);
    const snapshot = request ? await exportOf(db, request.id) : undefined;
    return request && snapshot && { request, snapshot };
  });
  if (!found) return { ok: false, problem: 'notFound' };
  const now = clock();
  if (found.snapshot.expiresAt < now) return { ok: false, problem: 'expired' };
  await recordEvent(store, found.request.id, 'exported', 'requester', now, { contentHash: found.snapshot.contentHash });
  return { ok: true, ...found };
}
