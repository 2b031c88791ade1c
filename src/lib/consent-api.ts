import type { ConsentRecord } from '../../db/rows.ts';
import type { BannerStrings } from './banner-config.ts';
import {
  bannerVersion,
  consentDecisionSchema,
  consentExpiry,
  hashShownText,
  newConsentId,
  type ConsentAction,
  type ConsentRecordFields,
  type ConsentSource,
} from './consent.ts';
import type { Choices } from './consent-cookie.ts';
import type { DecisionLimits } from './consent-limits.ts';
import type { Locale } from './locale.ts';
import { currentVersion, todayIn, type PolicyCatalog, type PolicyVersion } from './policy-catalog.ts';
import { originAllowed, siteRevision, type Site } from './site.ts';

/** The largest consent decision body accepted (413 above). */
export const consentBodyLimit = 16 * 1024;

export interface ConsentTerms {
  policy: PolicyVersion;
  revision: string;
  strings: BannerStrings;
  /** Hash of the policy text and the banner strings in the locale: what a record says the visitor saw. */
  textHash: string;
}

/** The terms a visitor of `site` is asked to agree to on `today`, in `locale`. */
export function termsFor(site: Site, locale: Locale, catalog: PolicyCatalog, strings: BannerStrings, today: string): ConsentTerms {
  const versions = catalog[site.policy];
  const policy = currentVersion(versions, today) ?? versions[0];
  if (!policy) throw new Error(`no version of ${site.policy} is published`);
  return { policy, revision: siteRevision(site, policy.version, bannerVersion), strings, textHash: hashShownText(policy.texts[locale].textHash, strings) };
}

/**
 * The terms of each site and locale for today, computed once a day: the Astro pages (catalog from the content
 * collection) and the portal's consent fast path (catalog read from the same files) both use it.
 */
export function createTermsSource(source: {
  catalog: () => PolicyCatalog | Promise<PolicyCatalog>;
  strings: (locale: Locale) => BannerStrings;
  timeZone: string;
}) {
  const cache = new Map<string, ConsentTerms>();
  return async (site: Site, locale: Locale): Promise<ConsentTerms> => {
    const today = todayIn(source.timeZone);
    const key = `${site.id}|${locale}|${today}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const terms = termsFor(site, locale, await source.catalog(), source.strings(locale), today);
    if (cache.size > 1000) cache.clear();
    cache.set(key, terms);
    return terms;
  };
}

/** A decision to record, whichever page or site it came from. */
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

/** The record of a decision under `terms`, stamped `now`: the policy version and text the visitor saw, its expiry. */
export function decisionRecord(decision: Decision, terms: ConsentTerms, now: number): ConsentRecordFields {
  return {
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
  };
}

/** What the consent API needs from the running portal. */
export interface ConsentApiContext {
  findSite(id: string): Site | undefined;
  terms(site: Site, locale: Locale): ConsentTerms | Promise<ConsentTerms>;
  append(fields: ConsentRecordFields): Promise<ConsentRecord>;
  /** The portal's own origins (allowed for sites that name `self`): canonical first. */
  selfOrigins: readonly string[];
  /** The budget of decisions per visitor, shared by every way a decision reaches the portal. */
  limits: DecisionLimits;
  now?: number;
}

export interface ConsentApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ConsentApiAnswer => ({
  status,
  headers: { 'Cache-Control': 'no-store', ...headers },
  body: { error: { code, message, ...extra } },
});

/** The answer to a body over `consentBodyLimit`. */
export const consentBodyTooLarge = (): ConsentApiAnswer => error(413, 'too_large', `The body may be at most ${consentBodyLimit} bytes.`);

/**
 * `POST /api/consent`: validates a decision, checks the site and the Origin against its allowed origins and the
 * revision the banner showed, counts it against the visitor's budget (`visitor`: their flood key), stamps the server
 * time, and appends the record naming the policy version and the text the visitor saw. Only a decision that would be
 * recorded is counted; over the budget it is 429 with Retry-After, readable by the banner, and nothing is written.
 * The same function answers on the portal's fast path and in Astro (`astro dev`).
 */
export async function answerConsentDecision(
  input: { bodyText: string; origin: string | null; gpcHeader: boolean; visitor: string },
  context: ConsentApiContext,
): Promise<ConsentApiAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(input.bodyText);
  } catch {
    return error(400, 'malformed_json', 'The body is not valid JSON.');
  }
  const parsed = consentDecisionSchema.safeParse(json);
  if (!parsed.success) {
    return error(400, 'invalid_decision', 'The decision is not valid.', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const decision = parsed.data;
  const site = context.findSite(decision.site);
  if (!site) return error(403, 'unknown_site', `No site "${decision.site}" may record consent here.`);
  const { origin } = input;
  if (!originAllowed(origin, site, context.selfOrigins)) {
    return error(403, 'origin_not_allowed', `Origin ${origin ?? '(none)'} may not record consent for site "${site.id}".`);
  }
  const cors = { 'Access-Control-Allow-Origin': origin ?? '', Vary: 'Origin' };
  const terms = await context.terms(site, decision.locale);
  if (decision.revision !== terms.revision) {
    return error(
      409,
      'revision_changed',
      'The terms changed since the banner was loaded; reload its configuration and ask again.',
      { revision: terms.revision },
      cors,
    );
  }
  const wait = await context.limits.admit(input.visitor);
  if (wait > 0) {
    return error(429, 'too_many', `Too many decisions from this connection; try again in ${wait} s.`, {}, { ...cors, 'Retry-After': String(wait) });
  }
  const record = await context.append(
    decisionRecord(
      {
        site,
        consentId: decision.consentId ?? newConsentId(),
        origin: origin ?? context.selfOrigins[0] ?? '',
        action: decision.action,
        source: decision.source,
        locale: decision.locale,
        choices: decision.choices,
        gpcSignal: input.gpcHeader || decision.action === 'gpc',
        bannerVersion: decision.bannerVersion,
      },
      terms,
      context.now ?? Date.now(),
    ),
  );
  return {
    status: 201,
    headers: { ...cors, 'Cache-Control': 'no-store' },
    body: { consentId: record.consentId, recordedAt: new Date(record.recordedAt).toISOString(), expiresAt: new Date(record.expiresAt).toISOString() },
  };
}
