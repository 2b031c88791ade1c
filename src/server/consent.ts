import type { BannerStrings } from '../lib/banner-config.ts';
import { bannerVersion, consentExpiry, type ConsentAction, type ConsentSource } from '../lib/consent.ts';
import { termsFor, type ConsentTerms } from '../lib/consent-api.ts';
import { createConsentAppender, type ConsentRecord } from '../lib/consent.repo.ts';
import type { Choices } from '../lib/consent-cookie.ts';
import type { Locale } from '../lib/locale.ts';
import { todayIn } from '../lib/policy-catalog.ts';
import type { Site } from '../lib/site.ts';
import { getDatabase } from './db.ts';
import { translatorFor } from './i18n.ts';
import { organisation } from './organisation.ts';
import { getPolicyCatalog } from './policies.ts';

/** The banner's strings in a locale, straight from the locale file: what the banner shows and receipts name. */
export function bannerStrings(locale: Locale): BannerStrings {
  return translatorFor(locale)('banner', { returnObjects: true }) as unknown as BannerStrings;
}

const termsCache = new Map<string, ConsentTerms>();

/** The terms a visitor of `site` is asked to agree to today, in `locale`. */
export async function consentTerms(site: Site, locale: Locale): Promise<ConsentTerms> {
  const today = todayIn(organisation.timeZone);
  const key = `${site.id}|${locale}|${today}`;
  const cached = termsCache.get(key);
  if (cached) return cached;
  const terms = termsFor(site, locale, await getPolicyCatalog(), bannerStrings(locale), today);
  if (termsCache.size > 1000) termsCache.clear();
  termsCache.set(key, terms);
  return terms;
}

export interface Decision {
  site: Site;
  consentId: string;
  origin: string;
  action: ConsentAction;
  source: ConsentSource;
  locale: Locale;
  choices: Choices;
  gpcSignal: boolean;
  bannerVersion?: string;
}

/** Appends decisions with group commit (one transaction for those arriving together). */
export const appendDecision = createConsentAppender(getDatabase);

/** Stamps the server time and appends the decision, naming the policy version and text the visitor saw. */
export async function recordDecision(decision: Decision, now: number = Date.now()): Promise<ConsentRecord> {
  const terms = await consentTerms(decision.site, decision.locale);
  return appendDecision({
    consentId: decision.consentId,
    siteId: decision.site.id,
    origin: decision.origin,
    recordedAt: now,
    action: decision.action,
    source: decision.action === 'gpc' ? 'gpc' : decision.source,
    ...decision.choices,
    locale: decision.locale,
    policyDocument: decision.site.policy,
    policyVersion: terms.policy.version,
    textHash: terms.textHash,
    bannerVersion: decision.bannerVersion ?? bannerVersion,
    revision: terms.revision,
    expiresAt: consentExpiry(now, decision.site.lifetimeDays),
    gpcSignal: decision.gpcSignal,
  });
}
