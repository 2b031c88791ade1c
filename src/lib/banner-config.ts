import type { Locale } from './locale.ts';
import type { OptionalCategory } from './consent-cookie.ts';

/** Everything the banner shows, in one locale. Inserted as text, never as HTML. */
export interface BannerStrings {
  /** Dialog title, e.g. "Cookies on this site". */
  title: string;
  /** One or two sentences: what we ask and that refusing is as easy as accepting. */
  description: string;
  acceptAll: string;
  rejectAll: string;
  customize: string;
  /** Save button of the preferences layer. */
  save: string;
  /** Accessible name of the close (×) button; closing grants nothing. */
  close: string;
  /** Text of the link to the privacy notice. */
  privacyLink: string;
  /** Accessible name and tooltip of the small floating control that reopens the banner. */
  reopen: string;
  /** Heading of the preferences layer. */
  preferencesTitle: string;
  /** Shown next to the locked `necessary` switch. */
  alwaysOn: string;
  /** Lead-in of the re-consent line, followed by the policy summary, e.g. "Our privacy notice changed:". */
  changed: string;
  /** Text of the link to the diff page in the re-consent line. */
  seeChanges: string;
  categories: Record<'necessary' | OptionalCategory, { name: string; description: string }>;
}

/** What `GET /api/consent/config?site=…&lang=…` returns to the banner. */
export interface BannerConfig {
  site: string;
  locale: Locale;
  /** Changes when the policy version or the site's categories change: then the banner asks again. */
  revision: string;
  bannerVersion: string;
  /** How long a choice (consent or refusal) is kept before the banner asks again. */
  lifetimeDays: number;
  /** Absolute URL of `POST /api/consent`. */
  endpoint: string;
  policy: {
    version: number;
    effective: string;
    /** Absolute URL of the current privacy notice in `locale`. */
    url: string;
    /** The current version's summary of changes, in `locale`. */
    summary: string;
    /** Absolute URL of the diff page with `{from}` to replace by the version the visitor last agreed to. */
    diffUrl: string;
  };
  /** Optional categories in display order, with the first-party cookie name patterns (`_osa_*`) to delete on withdrawal. */
  categories: { key: OptionalCategory; cookies: string[] }[];
  strings: BannerStrings;
}

/** What the banner posts to `/api/consent` (as a text/plain JSON body). */
export interface ConsentDecision {
  site: string;
  consentId: string;
  action: 'accept-all' | 'reject-all' | 'custom' | 'withdraw' | 'gpc';
  source: 'banner' | 'api';
  locale: Locale;
  revision: string;
  bannerVersion: string;
  choices: Record<OptionalCategory, boolean>;
}

export interface BannerConfigInput {
  siteId: string;
  locale: Locale;
  revision: string;
  bannerVersion: string;
  lifetimeDays: number;
  /** The portal's origin, e.g. https://privacy.ostria.example. */
  portalOrigin: string;
  policy: { document: string; version: number; effective: string; summary: string };
  categories: { key: OptionalCategory; cookies: string[] }[];
  strings: BannerStrings;
}

/** The banner's configuration for one site in one locale, with absolute URLs back to the portal. */
export function buildBannerConfig(input: BannerConfigInput): BannerConfig {
  const policyBase = `${input.portalOrigin}/${input.locale}/policies/${input.policy.document}`;
  return {
    site: input.siteId,
    locale: input.locale,
    revision: input.revision,
    bannerVersion: input.bannerVersion,
    lifetimeDays: input.lifetimeDays,
    endpoint: `${input.portalOrigin}/api/consent`,
    policy: {
      version: input.policy.version,
      effective: input.policy.effective,
      url: policyBase,
      summary: input.policy.summary,
      diffUrl: `${policyBase}/diff/{from}/${input.policy.version}`,
    },
    categories: input.categories,
    strings: input.strings,
  };
}
