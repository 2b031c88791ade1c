import { formatConsentCookie, parseConsentCookie, type ConsentCookie } from './consent-cookie.ts';
import { readSignedValue, signValue } from './signed-value.ts';

/**
 * The `portal_consent` cookie on the portal's own origin, which only the portal's server sets: the shared format
 * (src/lib/consent-cookie.ts) followed by a signature. The portal believes it to show a consent history and the
 * marketing consents made with it, to withdraw them, and to prove that a request came from the browser holding its
 * consent id; so a consent id copied from a receipt, a screenshot or another site's banner cookie, written into a
 * cookie by hand, is not believed. Other sites' banners keep the unsigned format in their own first-party cookie.
 */
const purpose = 'portal-consent';

export function formatPortalConsentCookie(secret: string, cookie: ConsentCookie): string {
  return signValue(secret, purpose, formatConsentCookie(cookie));
}

/** The cookie's content when the portal signed it, else undefined (also when malformed or expired at `nowSeconds`). */
export function parsePortalConsentCookie(secret: string, value: string | undefined, nowSeconds: number): ConsentCookie | undefined {
  return parseConsentCookie(readSignedValue(secret, purpose, value), nowSeconds);
}

/**
 * `portal_consent_id`: the consent id issued to a visitor who signed up for marketing before making any cookie choice.
 * It records no cookie decision (none was made, so the banner still asks and nothing enters consent_records); it only
 * ties the sign-up to this browser, so the consent page shows it and can withdraw it, and a later cookie choice
 * continues the same consent id. Signed like `portal_consent`, for the same reason.
 */
export const consentIdCookieName = 'portal_consent_id';
/** As long as the portal's locale cookie: the visitor's handle on their sign-up, which itself lasts until withdrawn. */
export const consentIdCookieMaxAge = 365 * 24 * 60 * 60;
const idPurpose = 'portal-consent-id';

export function formatConsentIdCookie(secret: string, consentId: string): string {
  return signValue(secret, idPurpose, consentId);
}

export function parseConsentIdCookie(secret: string, value: string | undefined): string | undefined {
  const consentId = readSignedValue(secret, idPurpose, value);
  return consentId !== undefined && /^[A-Za-z0-9_-]{22}$/.test(consentId) ? consentId : undefined;
}
