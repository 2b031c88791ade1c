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
