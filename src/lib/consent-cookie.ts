/**
 * The `portal_consent` first-party cookie, shared by the banner (in the browser, on any site) and the portal's
 * server. Kept free of dependencies: the banner bundles this file.
 *
 * Value: `<consentId>.<revision>.<bits>.<expires>`
 * - consentId: 22 characters of base64url (128 random bits)
 * - revision: the site's revision the choice was made under, e.g. `2-1a2b3c4d` (policy version, fingerprint)
 * - bits: one character per optional category in `optionalCategories` order, `1` granted, `0` denied
 * - expires: Unix time in seconds after which the banner asks again
 */
export const optionalCategories = ['preferences', 'analytics', 'marketing'] as const;
export type OptionalCategory = (typeof optionalCategories)[number];
export type Choices = Record<OptionalCategory, boolean>;

export const consentCookieName = 'portal_consent';

export interface ConsentCookie {
  consentId: string;
  revision: string;
  choices: Choices;
  /** Unix seconds. */
  expires: number;
}

const cookieValue = /^([A-Za-z0-9_-]{22})\.(\d{1,6}-[0-9a-f]{8})\.([01]{3})\.(\d{1,12})$/;

export function formatConsentCookie(cookie: ConsentCookie): string {
  const bits = optionalCategories.map((category) => (cookie.choices[category] ? '1' : '0')).join('');
  return `${cookie.consentId}.${cookie.revision}.${bits}.${Math.floor(cookie.expires)}`;
}

/** The cookie's content, or undefined when it is missing, malformed or expired at `nowSeconds`. */
export function parseConsentCookie(value: string | undefined | null, nowSeconds: number): ConsentCookie | undefined {
  const match = value ? cookieValue.exec(value) : null;
  if (!match) return undefined;
  const [, consentId = '', revision = '', bits = '', expires = '0'] = match;
  if (Number(expires) <= nowSeconds) return undefined;
  const choices = {} as Choices;
  for (const [index, category] of optionalCategories.entries()) choices[category] = bits[index] === '1';
  return { consentId, revision, choices, expires: Number(expires) };
}

/** The policy version a revision names (`2-1a2b3c4d` → 2). */
export function revisionPolicyVersion(revision: string): number {
  return Number(revision.split('-')[0]);
}
