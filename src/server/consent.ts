import type { ConsentRecord } from '../../db/rows.ts';
import type { BannerStrings } from '../lib/banner-config.ts';
import { answerConsentDecision, decisionRecord, type ConsentApiAnswer, type ConsentTerms, type Decision } from '../lib/consent-api.ts';
import { portalOrigins } from '../lib/canonical-origin.ts';
import type { DecisionLimits } from '../lib/consent-limits.ts';
import type { ConsentRecordFields } from '../lib/consent.ts';
import type { Locale } from '../lib/locale.ts';
import type { Site } from '../lib/site.ts';
import { getPortal, type Portal } from './portal.ts';

/** The banner's strings in a locale, straight from the locale file: what the banner shows and receipts name. */
export function bannerStrings(locale: Locale): BannerStrings {
  return getPortal().translators.bannerStrings(locale);
}

/** The terms a visitor of a site is asked to agree to today, in a locale. */
export function consentTerms(site: Site, locale: Locale): Promise<ConsentTerms> {
  return getPortal().consentTerms(site, locale);
}

/** Appends decisions with group commit, through the portal's one appender (the fast path's too). */
export function appendDecision(fields: ConsentRecordFields): Promise<ConsentRecord> {
  return getPortal().appendDecision(fields);
}

/** Stamps the server time and appends the decision, naming the policy version and text the visitor saw. */
export async function recordDecision(decision: Decision, now: number = getPortal().clock()): Promise<ConsentRecord> {
  return appendDecision(decisionRecord(decision, await consentTerms(decision.site, decision.locale), now));
}

/** The budget of consent decisions per visitor, shared by every door a decision comes through. */
export function decisionLimits(): DecisionLimits {
  return getPortal().limits.decisions;
}

/**
 * A decision posted to `POST /api/consent` by a banner, answered with the portal's sites, terms, appender and budget:
 * the one use case behind the portal server's fast path and Astro's route (`astro dev`) alike.
 */
export function answerBannerDecision(
  portal: Portal,
  input: { bodyText: string; origin: string | null; gpcHeader: boolean; visitor: string },
): Promise<ConsentApiAnswer> {
  return answerConsentDecision(input, {
    findSite: (id) => portal.sites.find((site) => site.id === id),
    terms: portal.consentTerms,
    append: portal.appendDecision,
    selfOrigins: portalOrigins(portal.hosts),
    limits: portal.limits.decisions,
  });
}
