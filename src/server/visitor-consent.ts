import type { ConsentRecord } from '../../db/rows.ts';
import type { AstroCookies } from 'astro';
import { consentCookieName, revisionPolicyVersion, type ConsentCookie } from '../lib/consent-cookie.ts';
import { newConsentId, type ConsentAction } from '../lib/consent.ts';
import type { Locale } from '../lib/locale.ts';
import {
  consentIdCookieMaxAge,
  consentIdCookieName,
  formatConsentIdCookie,
  formatPortalConsentCookie,
  parseConsentIdCookie,
  parsePortalConsentCookie,
} from '../lib/portal-consent-cookie.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { consentTerms, recordDecision } from './consent.ts';
import { getEnvironment } from './environment.ts';
import { getFloodLimits } from './flood-limits.ts';
import { getPortalSecret } from './secret.ts';
import { portalSite } from './sites.ts';
import { getPortal } from './portal.ts';

/** What the portal knows of this visitor's cookie choice on the portal itself. */
export interface VisitorConsent {
  cookie: ConsentCookie | undefined;
  /** A choice exists and was made under the current revision: no banner. */
  upToDate: boolean;
  /** The policy version of an earlier choice when the terms have changed since (the banner says what changed). */
  changedSince: number | undefined;
  /**
   * This request's Global Privacy Control signal refuses statistics and marketing, and no choice under the current
   * revision overrides it, but it was not recorded again (see `honourGpc`): no banner, nothing granted, no cookie.
   */
  refusedByGpc?: true;
}

/**
 * This browser's consent cookie, only as the portal signed it (src/lib/portal-consent-cookie.ts); undefined when it
 * is missing, forged, malformed or expired at `nowSeconds` (0 reads an expired one too).
 */
export function readConsentCookie(cookies: AstroCookies, nowSeconds = getPortal().clock() / 1000): ConsentCookie | undefined {
  return parsePortalConsentCookie(getPortalSecret(), cookies.get(consentCookieName)?.value, nowSeconds);
}

/**
 * This browser's consent id: its consent cookie's (an expired one too: a new decision continues that history), else
 * the one a marketing sign-up issued before any cookie choice (`portal_consent_id`).
 */
export function readVisitorConsentId(cookies: AstroCookies): string | undefined {
  return readConsentCookie(cookies, 0)?.consentId ?? parseConsentIdCookie(getPortalSecret(), cookies.get(consentIdCookieName)?.value);
}

/** This browser's consent id, issued now (and kept in `portal_consent_id`, no decision recorded) when it has none. */
export function issueVisitorConsentId(cookies: AstroCookies, secure: boolean): string {
  const known = readVisitorConsentId(cookies);
  if (known) return known;
  const consentId = newConsentId();
  cookies.set(consentIdCookieName, formatConsentIdCookie(getPortalSecret(), consentId), {
    path: '/',
    maxAge: consentIdCookieMaxAge,
    httpOnly: true,
    sameSite: 'lax',
    secure,
  });
  return consentId;
}

export async function readVisitorConsent(cookies: AstroCookies, locale: Locale): Promise<VisitorConsent> {
  const cookie = readConsentCookie(cookies);
  const { revision, policy } = await consentTerms(portalSite(), locale);
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
  // An expired choice, or a marketing sign-up before any choice, keeps its consent id: the history continues.
  const record = await recordDecision({
    site: portalSite(),
    consentId: readVisitorConsentId(input.cookies) ?? newConsentId(),
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

let gpcRecords: RateLimiter | undefined;

/**
 * Global Privacy Control on a page view of a visitor without an up-to-date choice: a refusal of statistics and
 * marketing. It is recorded (and remembered in the cookie) at most GPC_RECORDS_PER_DAY_PER_ADDRESS times a day per
 * visitor (`visitor`: their flood key), since a browser that keeps no cookie sends the signal with every view and each
 * would otherwise append a record; past that the view honours the signal without a record or a cookie.
 */
export async function honourGpc(input: {
  cookies: AstroCookies;
  locale: Locale;
  origin: string;
  secure: boolean;
  visitor: string;
  consent: VisitorConsent;
}): Promise<VisitorConsent> {
  gpcRecords ??= getFloodLimits().perDay('gpc-records', getEnvironment().GPC_RECORDS_PER_DAY_PER_ADDRESS);
  if (!(await gpcRecords.allow(input.visitor))) return { ...input.consent, refusedByGpc: true };
  const { cookies, locale, origin, secure } = input;
  await decideOnPortal({
    cookies,
    locale,
    origin,
    secure,
    action: 'gpc',
    choices: { preferences: false, analytics: false, marketing: false },
    gpcSignal: true,
  });
  return readVisitorConsent(cookies, locale);
}
