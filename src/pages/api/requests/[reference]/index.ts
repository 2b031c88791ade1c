import type { APIRoute } from 'astro';
import { jsonError } from '../../../../server/http.ts';
import { requestDocumentForRequester } from '../../../../server/request-status.ts';

/** One request as JSON (schema request.v1.json), for its requester: opened with the token from their email. */
export const GET: APIRoute = async ({ params, url }) => {
  const found = await requestDocumentForRequester(params.reference ?? '', url.searchParams.get('token'));
  if (!found) return jsonError(404, 'unknown_request', 'No request is found for this reference and token.');
  const { request, document } = found;
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${request.reference}.json"`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
};
