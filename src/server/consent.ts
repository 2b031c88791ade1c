import type { ConsentRecord } from '../../db/rows.ts';
import type { BannerStrings } from '../lib/banner-config.ts';
import { createTermsSource, decisionRecord, type Decision } from '../lib/consent-api.ts';
import { decisionLimitsOf, type DecisionLimits } from '../lib/consent-limits.ts';
import { createConsentAppender } from '../lib/consent.repo.ts';
import type { Locale } from '../lib/locale.ts';
import { countCommittedDecisions } from '../lib/metrics.ts';
import { getStore } from './db.ts';
import { getEnvironment } from './environment.ts';
import { translatorFor } from './i18n.ts';
import { organisation } from './organisation.ts';
import { getPolicyCatalog } from './policies.ts';

/** The banner's strings in a locale, straight from the locale file: what the banner shows and receipts name. */
export function bannerStrings(locale: Locale): BannerStrings {
  return translatorFor(locale)('banner', { returnObjects: true }) as unknown as BannerStrings;
}

/** The terms a visitor of a site is asked to agree to today, in a locale. */
export const consentTerms = createTermsSource({ catalog: getPolicyCatalog, strings: bannerStrings, timeZone: organisation.timeZone });

/** Appends decisions with group commit (one transaction for those arriving together). */
let appender: ReturnType<typeof createConsentAppender> | undefined;

export function appendDecision(fields: Parameters<ReturnType<typeof createConsentAppender>>[0]): Promise<ConsentRecord> {
  appender ??= createConsentAppender(getStore(), countCommittedDecisions);
  return appender(fields);
}

/** Stamps the server time and appends the decision, naming the policy version and text the visitor saw. */
export async function recordDecision(decision: Decision, now: number = Date.now()): Promise<ConsentRecord> {
  return appendDecision(decisionRecord(decision, await consentTerms(decision.site, decision.locale), now));
}

let ownLimits: DecisionLimits | undefined;

/** The budget of consent decisions per visitor: the one the portal's server shares, else (`astro dev`) Astro's own. */
export function decisionLimits(locals: App.Locals): DecisionLimits {
  if (locals.decisionLimits) return locals.decisionLimits;
  ownLimits ??= decisionLimitsOf(getEnvironment());
  return ownLimits;
}
