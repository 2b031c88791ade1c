import type { APIRoute } from 'astro';
import { findRequestForRequester } from '../../../../lib/requests.repo.ts';
import { isReference } from '../../../../lib/requests.ts';
import { requestDocument } from '../../../../lib/subject-export.ts';
import { getStore } from '../../../../server/db.ts';
import { portalOrigin } from '../../../../server/environment.ts';
import { jsonError } from '../../../../server/http.ts';
import { getOrganisation } from '../../../../server/organisation.ts';

/** One request as JSON (schema request.v1.json), for its requester: opened with the token from their email. */
export const GET: APIRoute = async ({ params, url }) => {
  const reference = params.reference ?? '';
  const found = isReference(reference)
    ? await getStore().read(async (db) => {
        const request = await findRequestForRequester(db, reference, url.searchParams.get('token'));
        return (
          request && {
            request,
            document: await requestDocument(db, request, 'requester', portalOrigin(), { timeZone: getOrganisation().timeZone, now: Date.now() }),
          }
        );
      })
    : undefined;
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
