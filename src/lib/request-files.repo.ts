import { and, asc, eq } from 'drizzle-orm';
import type { RequestFileRow, RequestRow } from '../../db/rows.ts';
import type { Executor, Store } from '../../db/store.ts';
import { requestEvents, requestFiles, requests } from '../../db/tables.ts';
import { isOpen } from './request-workflow.ts';
import type { CheckedUpload } from './uploads.ts';

/** A file as the pages list it: never its content. */
export type RequestFileListing = Omit<RequestFileRow, 'contentBase64'>;

const listed = {
  id: requestFiles.id,
  requestId: requestFiles.requestId,
  taskId: requestFiles.taskId,
  origin: requestFiles.origin,
  name: requestFiles.name,
  mediaType: requestFiles.mediaType,
  size: requestFiles.size,
  sha256: requestFiles.sha256,
  createdAt: requestFiles.createdAt,
};

/** The request's files (owners' uploads, webhooks' answers, the DPO's attachments), oldest first, without content. */
export async function filesListOf(db: Executor, requestId: number, origin?: RequestFileRow['origin']): Promise<RequestFileListing[]> {
  return db
    .select(listed)
    .from(requestFiles)
    .where(origin ? and(eq(requestFiles.requestId, requestId), eq(requestFiles.origin, origin)) : eq(requestFiles.requestId, requestId))
    .orderBy(asc(requestFiles.id));
}

/** One file of the request, with its content; undefined when the id names none of this request's files. */
export async function requestFileOf(db: Executor, requestId: number, fileId: number): Promise<RequestFileRow | undefined> {
  const [file] = await db
    .select()
    .from(requestFiles)
    .where(and(eq(requestFiles.requestId, requestId), eq(requestFiles.id, fileId)))
    .limit(1);
  return file;
}

export type FileChange = { ok: true; request: RequestRow } | { ok: false; problem: 'notFound' | 'closed' };

/** What the trail says of a file: never its content. */
const fileFacts = (file: Pick<RequestFileRow, 'id' | 'name' | 'mediaType' | 'size' | 'sha256'>) => ({
  fileId: file.id,
  name: file.name,
  mediaType: file.mediaType,
  size: file.size,
  sha256: file.sha256,
});

/**
 * The DPO attaches checked files to the answer of an open request: stored with origin `dpo` (no task), each with a
 * `file-attached` event naming it, its size and hash, all in one transaction. `closed` once the request is answered.
 */
export async function attachFiles(store: Store, reference: string, files: readonly CheckedUpload[], actor: string, now: number): Promise<FileChange> {
  return store.transaction(async (tx): Promise<FileChange> => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    if (!request) return { ok: false, problem: 'notFound' };
    if (!isOpen(request.status) || request.anonymisedAt !== null) return { ok: false, problem: 'closed' };
    for (const file of files) {
      const [stored] = await tx
        .insert(requestFiles)
        .values(requestFileRow(file, { requestId: request.id, taskId: null, origin: 'dpo', now }))
        .returning(listed);
      if (!stored) throw new Error('The file was not stored.');
      await tx
        .insert(requestEvents)
        .values({ requestId: request.id, occurredAt: now, actor, kind: 'file-attached', detail: JSON.stringify({ origin: 'dpo', ...fileFacts(stored) }) });
    }
    return { ok: true, request };
  });
}

/**
 * The DPO removes one of their attachments before the request is answered: the row is deleted, a `file-removed` event
 * keeps its name, size and hash. `notFound` for a file that is not the DPO's attachment on this request.
 */
export async function removeFile(store: Store, reference: string, fileId: number, actor: string, now: number): Promise<FileChange> {
  return store.transaction(async (tx): Promise<FileChange> => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    if (!request) return { ok: false, problem: 'notFound' };
    const [file] = await tx
      .select(listed)
      .from(requestFiles)
      .where(and(eq(requestFiles.requestId, request.id), eq(requestFiles.id, fileId), eq(requestFiles.origin, 'dpo')))
      .limit(1);
    if (!file) return { ok: false, problem: 'notFound' };
    if (!isOpen(request.status)) return { ok: false, problem: 'closed' };
    await tx.delete(requestFiles).where(eq(requestFiles.id, file.id));
    await tx.insert(requestEvents).values({ requestId: request.id, occurredAt: now, actor, kind: 'file-removed', detail: JSON.stringify(fileFacts(file)) });
    return { ok: true, request };
  });
}

/** The row a checked upload is stored as: its bytes in base64, beside what the pages list (name, type, size, hash). */
export function requestFileRow(
  file: Pick<CheckedUpload, 'name' | 'mediaType' | 'size' | 'sha256' | 'content'>,
  where: { requestId: number; taskId: number | null; origin: RequestFileRow['origin']; now: number },
) {
  return {
    requestId: where.requestId,
    taskId: where.taskId,
    origin: where.origin,
    name: file.name,
    mediaType: file.mediaType,
    size: file.size,
    sha256: file.sha256,
    contentBase64: file.content.toString('base64'),
    createdAt: where.now,
  };
}
