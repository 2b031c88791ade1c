import type { RequestEventRow, RequestExportRow, RequestRow } from '../../db/rows.ts';
import { requestDeadline, type RequestDeadline } from '../lib/request-deadline.ts';
import { requesterVisibleEvents, type RequestEventKind } from '../lib/request-workflow.ts';
import {
  eventsOf,
  exportOf,
  findRequest,
  findRequestForRequester,
  verificationPending,
  verifyByEmailLink,
  type EmailVerification,
} from '../lib/requests.repo.ts';
import { answerFilesUntil } from '../lib/request-downloads.ts';
import { filesListOf, type RequestFileListing } from '../lib/request-files.repo.ts';
import { isReference } from '../lib/requests.ts';
import { requestDocument } from '../lib/subject-export.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';
import { answerFileDownloadPath, exportDownloadPath } from './request-downloads.ts';

/** What a requester's status page shows: their request, the events meant for them, its export and its deadline. */
export interface RequestStatus {
  request: RequestRow;
  /** The events the requester sees (notes, exports and delivery problems are for the DPO). */
  events: RequestEventRow[];
  download: RequestExportRow | undefined;
  /** The package's signed download link (a path), while it may be downloaded. */
  downloadPath: string | undefined;
  /** The export's link has expired. */
  downloadExpired: boolean;
  /** The files the DPO attached to the answer of a request without a package, each with its signed link while it runs. */
  answerFiles: { file: RequestFileListing; path: string | undefined }[];
  /** Until when the answer's files may be downloaded (completed requests without a package that have some). */
  answerFilesUntil: number | undefined;
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
    const downloadExpired = download !== undefined && download.expiresAt < now;
    const filesUntil = answerFilesUntil(request, allEvents);
    const files = filesUntil === undefined ? [] : await filesListOf(db, request.id, 'dpo');
    return {
      request,
      events: allEvents.filter((event) => requesterVisibleEvents.has(event.kind as RequestEventKind)),
      download,
      downloadPath: download && !downloadExpired ? exportDownloadPath(request.reference, download) : undefined,
      downloadExpired,
      answerFiles: files.map((file) => ({
        file,
        path: filesUntil !== undefined && filesUntil >= now ? answerFileDownloadPath(request.reference, file, filesUntil) : undefined,
      })),
      answerFilesUntil: files.length ? filesUntil : undefined,
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
