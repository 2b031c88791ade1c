import type { APIRoute } from 'astro';
import { signedInDpo, unauthorized } from '../../../server/dpo-auth.ts';
import { requestDocumentForDpo } from '../../../server/dpo-request-case.ts';
import { jsonError } from '../../../server/http.ts';

/** One request as JSON (schema request.v1.json) with its whole audit trail, for the signed-in DPO. */
export const GET: APIRoute = async ({ cookies, params }) => {
  if (!(await signedInDpo(cookies))) return unauthorized();
  const reference = params.reference ?? '';
  const found = await requestDocumentForDpo(reference);
  if (!found) return jsonError(404, 'unknown_request', `No request ${reference.slice(0, 40)} exists.`);
  const { request, document } = found;
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${request.reference}.json"`,
      'Cache-Control': 'no-store',
    },
  });
};
