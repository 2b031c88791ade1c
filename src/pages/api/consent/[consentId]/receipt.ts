import type { APIRoute } from 'astro';
import { consentIdSchema } from '../../../../lib/consent.ts';
import { consentReceiptOf } from '../../../../server/consent-history.ts';
import { jsonError } from '../../../../server/http.ts';

/** A downloadable JSON consent receipt for one consent id. */
export const GET: APIRoute = async ({ params }) => {
  const consentId = consentIdSchema.safeParse(params.consentId);
  const found = consentId.success ? await consentReceiptOf(consentId.data) : undefined;
  if (!found) return jsonError(404, 'unknown_consent', 'No consent is recorded under this id.');
  return new Response(JSON.stringify(found.receipt, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="consent-receipt-${found.consentId}.json"`,
      'Cache-Control': 'no-store',
    },
  });
};
