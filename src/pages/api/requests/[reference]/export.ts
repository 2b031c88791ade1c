import type { APIRoute } from 'astro';
import { jsonError } from '../../../../server/http.ts';
import { downloadExport } from '../../../../server/request-downloads.ts';

/**
 * The package of a completed access or portability request (a zip; older exports: JSON, subject-export.v1.json), downloadable by the
 * requester for 7 days after completion (or the DPO's renewal) with its signed link (`until`, `sig`), or the status
 * token of links sent before. Each download is an audit event.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const query = url.searchParams;
  const download = await downloadExport(params.reference ?? '', { token: query.get('token'), until: query.get('until'), sig: query.get('sig') });
  if (!download.ok && download.problem === 'notFound') return jsonError(404, 'no_export', 'No export is available for this reference and token.');
  if (!download.ok)
    return jsonError(410, 'export_expired', 'This export was downloadable for 7 days and has expired; ask the data protection officer for a new one.');
  const { request, snapshot } = download;
  // Since packages exist: the zip (data.json, the readable document, CSV for portability, files). Older exports: JSON.
  if (snapshot.packageBase64) {
    return new Response(Buffer.from(snapshot.packageBase64, 'base64'), {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${request.reference}-package.zip"`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      },
    });
  }
  return new Response(snapshot.content, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${request.reference}-export.json"`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
};
