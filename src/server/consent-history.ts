import type { ConsentRecord } from '../../db/rows.ts';
import { consentHistory } from '../lib/consent.repo.ts';
import { buildConsentReceipt } from '../lib/consent-receipt.ts';
import { isLocale } from '../lib/locale.ts';
import { chainProof } from './chain.ts';
import { bannerStrings } from './consent.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';

/** Every decision recorded under a consent id, oldest first (an empty list for an id never seen). */
export function consentHistoryOf(consentId: string): Promise<ConsentRecord[]> {
  return getPortal().store.read((db) => consentHistory(db, consentId));
}

/**
 * The visitor's downloadable receipt of a consent id's history: every decision, the purposes in the language of the
 * latest one, and the chain's latest signed head; undefined for an id never seen.
 */
export async function consentReceiptOf(consentId: string) {
  const records = await consentHistoryOf(consentId);
  const latest = records.at(-1);
  if (!latest) return undefined;
  const { organisation, clock } = getPortal();
  const locale = isLocale(latest.locale) ? latest.locale : organisation.defaultLocale;
  const receipt = buildConsentReceipt({
    records,
    organisation,
    portalOrigin: portalOrigin(),
    purposes: bannerStrings(locale).categories,
    issuedAt: new Date(clock()),
    chain: chainProof(),
  });
  return { consentId: latest.consentId, receipt };
}
