import type { APIRoute } from 'astro';
import { findRequest } from '../../../lib/requests.repo.ts';
import { isReference } from '../../../lib/requests.ts';
import { requestDocument } from '../../../lib/subject-export.ts';
import { getStore } from '../../../server/db.ts';
import { signedInDpo, unauthorized } from '../../../server/dpo-auth.ts';
import { portalOrigin } from '../../../server/environment.ts';
import { jsonError } from '../../../server/http.ts';
import { getOrganisation } from '../../../server/organisation.ts';

/** One request as JSON (schema request.v1.json) with its whole audit trail, for the signed-in DPO. */
export const GET: APIRoute = async ({ cookies, params }) => {
  if (!(await signedInDpo(cookies))) return unauthorized();
  const reference = params.reference ?? '';
  const found = isReference(reference)
    ? await getStore().read(async (db) => {
        const request = await findRequest(db, reference);
        return (
          request && { request, document: await requestDocument(db, request, 'dpo', portalOrigin(), { timeZone: getOrganisation().timeZone, now: Date.now() }) }
        );
      })
    : undefined;
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
