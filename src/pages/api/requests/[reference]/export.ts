import type { APIRoute } from 'astro';
import { exportOf, findRequestForRequester, recordEvent } from '../../../../lib/requests.repo.ts';
import { isReference } from '../../../../lib/requests.ts';
import { getStore } from '../../../../server/db.ts';
import { jsonError } from '../../../../server/http.ts';

/**
 * The JSON export of a completed access or portability request (schema subject-export.v1.json), downloadable by the
 * requester for 7 days after completion. Each download is an audit event.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const reference = params.reference ?? '';
  const store = getStore();
  const { request, snapshot } = isReference(reference)
    ? await store.read(async (db) => {
        const found = await findRequestForRequester(db, reference, url.searchParams.get('token'));
        return { request: found, snapshot: found ? await exportOf(db, found.id) : undefined };
      })
    : { request: undefined, snapshot: undefined };
  if (!request || !snapshot) return jsonError(404, 'no_export', 'No export is available for this reference and token.');
  const now = Date.now();
  if (snapshot.expiresAt < now)
    return jsonError(410, 'export_expired', 'This export was downloadable for 7 days and has expired; ask the data protection officer for a new one.');
  await recordEvent(store, request.id, 'exported', 'requester', now, { contentHash: snapshot.contentHash });
  return new Response(snapshot.content, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${request.reference}-export.json"`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
};
