import type { APIRoute } from 'astro';
import { exportOf, findRequestForRequester, recordEvent } from '../../../../lib/requests.repo.ts';
import { isReference } from '../../../../lib/requests.ts';
import { getDatabase } from '../../../../server/db.ts';
import { jsonError } from '../../../../server/http.ts';

/**
 * The JSON export of a completed access or portability request (schema subject-export.v1.json), downloadable by the
 * requester for 7 days after completion. Each download is an audit event.
 */
export const GET: APIRoute = ({ params, url }) => {
  const reference = params.reference ?? '';
  const db = getDatabase();
  const request = isReference(reference) ? findRequestForRequester(db, reference, url.searchParams.get('token')) : undefined;
  const snapshot = request ? exportOf(db, request.id) : undefined;
  if (!request || !snapshot) return jsonError(404, 'no_export', 'No export is available for this reference and token.');
  const now = Date.now();
  if (snapshot.expiresAt < now) return jsonError(410, 'export_expired', 'This export was downloadable for 7 days and has expired; ask the data protection officer for a new one.');
  recordEvent(db, request.id, 'exported', 'requester', now, { contentHash: snapshot.contentHash });
  return new Response(snapshot.content, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${request.reference}-export.json"`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
};
