import type { RequestExportRow, RequestFileRow, RequestRow } from '../../db/rows.ts';
import { checkExportLink, checkFileLink, exportLinkQuery, fileLinkQuery } from '../lib/export-link.ts';
import { eventsOf, exportOf, findRequest, findRequestForRequester, recordEvent } from '../lib/requests.repo.ts';
import { answerFilesUntil } from '../lib/request-downloads.ts';
import { requestFileOf, type RequestFileListing } from '../lib/request-files.repo.ts';
import { isReference } from '../lib/requests.ts';
import { getPortal } from './portal.ts';

/** The path of the package's signed download link, valid until the export's current expiry. */
export function exportDownloadPath(reference: string, download: Pick<RequestExportRow, 'id' | 'expiresAt'>): string {
  return `/api/requests/${reference}/export?${exportLinkQuery(getPortal().secrets.portalSecret(), reference, download.id, download.expiresAt)}`;
}

/** The path of the signed download link of one file attached to the answer, valid until `until`. */
export function answerFileDownloadPath(reference: string, file: Pick<RequestFileListing, 'id'>, until: number): string {
  return `/api/requests/${reference}/files/${file.id}?${fileLinkQuery(getPortal().secrets.portalSecret(), reference, file.id, until)}`;
}

/** What a download link presents: the signed form (`until`, `sig`), or the status token of links sent before it. */
export interface DownloadCredentials {
  token: string | null;
  until: string | null;
  sig: string | null;
}

export type ExportDownload = { ok: true; request: RequestRow; snapshot: RequestExportRow } | { ok: false; problem: 'notFound' | 'expired' };

/**
 * The requester downloads the package of their completed access or portability request with its signed link (until
 * the time it names, and never past the export's current expiry, which a renewal moves), or with the status token of
 * a link sent before signed links existed (until the export's expiry). Each download is an `exported` event naming
 * the form used.
 */
export async function downloadExport(reference: string, given: DownloadCredentials): Promise<ExportDownload> {
  if (!isReference(reference)) return { ok: false, problem: 'notFound' };
  const { store, clock, secrets } = getPortal();
  const now = clock();
  const signed = given.until !== null || given.sig !== null;
  const found = await store.read(async (db) => {
    const request = signed ? await findRequest(db, reference) : await findRequestForRequester(db, reference, given.token);
    const snapshot = request ? await exportOf(db, request.id) : undefined;
    return request && snapshot && { request, snapshot };
  });
  if (!found) return { ok: false, problem: 'notFound' };
  if (signed) {
    const link = checkExportLink(secrets.portalSecret(), reference, found.snapshot.id, given, now);
    if (!link.ok) return { ok: false, problem: link.problem === 'wrong' ? 'notFound' : 'expired' };
    if (link.until > found.snapshot.expiresAt) return { ok: false, problem: 'expired' };
  }
  if (found.snapshot.expiresAt < now) return { ok: false, problem: 'expired' };
  await recordEvent(store, found.request.id, 'exported', 'requester', now, {
    contentHash: found.snapshot.contentHash,
    link: signed ? 'signed' : 'status-token',
  });
  return { ok: true, ...found };
}

export type FileDownload = { ok: true; file: RequestFileRow } | { ok: false; problem: 'notFound' | 'expired' };

/**
 * The requester downloads one file the DPO attached to the answer of a request without a package, with its signed
 * link: until the time it names, never past the answer's files' current expiry. Each download is an event.
 */
export async function downloadAnswerFile(reference: string, fileId: number, given: Pick<DownloadCredentials, 'until' | 'sig'>): Promise<FileDownload> {
  if (!isReference(reference) || !Number.isSafeInteger(fileId)) return { ok: false, problem: 'notFound' };
  const { store, clock, secrets } = getPortal();
  const now = clock();
  const link = checkFileLink(secrets.portalSecret(), reference, fileId, given, now);
  if (!link.ok && link.problem === 'wrong') return { ok: false, problem: 'notFound' };
  const found = await store.read(async (db) => {
    const request = await findRequest(db, reference);
    const file = request ? await requestFileOf(db, request.id, fileId) : undefined;
    return request && file?.origin === 'dpo' ? { request, file, until: answerFilesUntil(request, await eventsOf(db, request.id)) } : undefined;
  });
  if (!found || found.until === undefined) return { ok: false, problem: 'notFound' };
  if (!link.ok || link.until > found.until || found.until < now) return { ok: false, problem: 'expired' };
  await recordEvent(store, found.request.id, 'exported', 'requester', now, { fileId, sha256: found.file.sha256, link: 'signed' });
  return { ok: true, file: found.file };
}

/**
 * A stored file as a download: always an attachment (never shown inline), its name made safe for the header (an ASCII
 * fallback and the UTF-8 name), not cached, its type not sniffed.
 */
export function fileResponse(file: Pick<RequestFileRow, 'name' | 'mediaType' | 'contentBase64'>): Response {
  const fallback = file.name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return new Response(Buffer.from(file.contentBase64, 'base64'), {
    headers: {
      'Content-Type': file.mediaType,
      'Content-Disposition': `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

/** Any file of a request, for the signed-in DPO (owners' uploads, webhooks' answers, the DPO's attachments). */
export async function requestFileForDpo(reference: string, fileId: number): Promise<RequestFileRow | undefined> {
  if (!isReference(reference) || !Number.isSafeInteger(fileId)) return undefined;
  return getPortal().store.read(async (db) => {
    const request = await findRequest(db, reference);
    return request && (await requestFileOf(db, request.id, fileId));
  });
}
