import type { APIRoute } from 'astro';
import { consentIdSchema } from '../../../../lib/consent.ts';
import { describeRecord } from '../../../../lib/consent-receipt.ts';
import { consentHistoryOf } from '../../../../server/consent-history.ts';
import { jsonError } from '../../../../server/http.ts';

/** The current state and full history of one consent id. */
export const GET: APIRoute = async ({ params }) => {
  const consentId = consentIdSchema.safeParse(params.consentId);
  if (!consentId.success) return jsonError(404, 'unknown_consent', 'No consent is recorded under this id.');
  const records = await consentHistoryOf(consentId.data);
  const latest = records.at(-1);
  if (!latest) return jsonError(404, 'unknown_consent', 'No consent is recorded under this id.');
  const current = describeRecord(latest);
  return Response.json(
    {
      consentId: consentId.data,
      current: { ...current, expired: latest.expiresAt <= Date.now() },
      history: records.map(describeRecord),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
};
