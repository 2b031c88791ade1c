import type { APIRoute } from 'astro';
import { consentIdSchema } from '../../../../lib/consent.ts';
import { consentHistory } from '../../../../lib/consent.repo.ts';
import { buildConsentReceipt } from '../../../../lib/consent-receipt.ts';
import { isLocale } from '../../../../lib/locale.ts';
import { getStore } from '../../../../server/db.ts';
import { jsonError } from '../../../../server/http.ts';
import { bannerStrings } from '../../../../server/consent.ts';
import { getOrganisation } from '../../../../server/organisation.ts';
import { portalOrigin } from '../../../../server/environment.ts';
import { chainProof } from '../../../../server/chain.ts';

/** A downloadable JSON consent receipt for one consent id. */
export const GET: APIRoute = async ({ params }) => {
  const consentId = consentIdSchema.safeParse(params.consentId);
  const records = consentId.success ? await getStore().read((db) => consentHistory(db, consentId.data)) : [];
  const latest = records.at(-1);
  if (!latest) return jsonError(404, 'unknown_consent', 'No consent is recorded under this id.');
  const locale = isLocale(latest.locale) ? latest.locale : getOrganisation().defaultLocale;
  const receipt = buildConsentReceipt({
    records,
    organisation: getOrganisation(),
    portalOrigin: portalOrigin(),
    purposes: bannerStrings(locale).categories,
    issuedAt: new Date(),
    chain: chainProof(),
  });
  return new Response(JSON.stringify(receipt, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="consent-receipt-${latest.consentId}.json"`,
      'Cache-Control': 'no-store',
    },
  });
};
