import type { AstroCookies } from 'astro';
import { consentCookieName, revisionPolicyVersion, type ConsentCookie } from '../lib/consent-cookie.ts';
import { newConsentId, type ConsentAction } from '../lib/consent.ts';
import type { ConsentRecord } from '../lib/consent.repo.ts';
import type { Locale } from '../lib/locale.ts';
import { formatPortalConsentCookie, parsePortalConsentCookie } from '../lib/portal-consent-cookie.ts';
import { consentTerms, recordDecision } from './consent.ts';
import { getPortalSecret } from './secret.ts';
import { portalSite } from './sites.ts';

/** What the portal knows of this visitor's cookie choice on the portal itself. */
export interface VisitorConsent {
  cookie: ConsentCookie | undefined;
  /** A choice exists and was made under the current revision: no banner. */
  upToDate: boolean;
  /** The policy version of an earlier choice when the terms have changed since (the banner says what changed). */
  changedSince: number | undefined;
}

/**
 * This browser's consent cookie, only as the portal signed it (src/lib/portal-consent-cookie.ts); undefined when it
 * is missing, forged, malformed or expired at `nowSeconds` (0 reads an expired one too).
 */
export function readConsentCookie(cookies: AstroCookies, nowSeconds = Date.now() / 1000): ConsentCookie | undefined {
  return parsePortalConsentCookie(getPortalSecret(), cookies.get(consentCookieName)?.value, nowSeconds);
}

export async function readVisitorConsent(cookies: AstroCookies, locale: Locale): Promise<VisitorConsent> {
  const cookie = readConsentCookie(cookies);
  const { revision, policy } = await consentTerms(portalSite, locale);
  const upToDate = cookie?.revision === revision;
  const earlier = cookie && !upToDate ? revisionPolicyVersion(cookie.revision) : undefined;
  return { cookie, upToDate, changedSince: earlier !== undefined && earlier < policy.version ? earlier : undefined };
}

/** Records a decision made on the portal's own pages and remembers it in the visitor's cookie. */
export async function decideOnPortal(input: {
  cookies: AstroCookies;
  locale: Locale;
  origin: string;
  action: ConsentAction;
  choices: ConsentCookie['choices'];
  gpcSignal: boolean;
  secure: boolean;
}): Promise<ConsentRecord> {
  // An expired choice keeps its consent id: the new decision continues the same history.
  const previous = readConsentCookie(input.cookies, 0);
  const record = await recordDecision({
    site: portalSite,
    consentId: previous?.consentId ?? newConsentId(),
    origin: input.origin,
    action: input.action,
    source: input.action === 'gpc' ? 'gpc' : 'preferences',
    locale: input.locale,
    choices: input.choices,
    gpcSignal: input.gpcSignal,
  });
  const expires = Math.floor(record.expiresAt / 1000);
  input.cookies.set(
    consentCookieName,
    formatPortalConsentCookie(getPortalSecret(), { consentId: record.consentId, revision: record.revision, choices: input.choices, expires }),
    { path: '/', expires: new Date(record.expiresAt), httpOnly: true, sameSite: 'lax', secure: input.secure },
  );
  return record;
}
