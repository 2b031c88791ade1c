import { lookUpConsent, type ConsentLookup } from '../lib/consent-lookup.ts';
import { getPortal } from './portal.ts';

/**
 * The DPO looks up a consent id, an email address or a phone number: every decision and sign-up it names, with the
 * chain's verdict on those records, read in one snapshot.
 */
export function lookUpConsentForDpo(query: string): Promise<ConsentLookup> {
  return getPortal().store.read((db) => lookUpConsent(db, query));
}
