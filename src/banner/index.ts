/**
 * The cookie consent banner, embedded as `<script src="https://PORTAL/banner.js" data-site="SITE_ID" defer>`.
 * It asks in the language of the page's <html lang>, gates the page's scripts by category, and records every
 * decision on the portal and in the first-party `portal_consent` cookie.
 */
import type { BannerConfig, ConsentDecision } from '../lib/banner-config.ts';
import { optionalCategories, type Choices, type ConsentCookie } from '../lib/consent-cookie.ts';
import { deleteCookies, readConsent, writeConsent } from './cookies.ts';
import { mountBanner } from './dialog.ts';
import { revokedCategoryStarted, runGated, updateConsentMode } from './gating.ts';
import { newConsentId, sendDecision } from './record.ts';

// Only set while this script runs for the first time, before anything is awaited.
const script = document.currentScript as HTMLScriptElement | null;

const anyGranted = (choices: Choices | undefined) => optionalCategories.some((key) => choices?.[key]);

async function start(script: HTMLScriptElement, site: string): Promise<void> {
  const query = new URLSearchParams({ site, lang: document.documentElement.lang });
  const response = fetch(`${new URL(script.src).origin}/api/consent/config?${query}`);
  if (document.readyState == 'loading') await new Promise((ready) => document.addEventListener('DOMContentLoaded', ready));
  runGated();
  const config = (await (await response).json()) as BannerConfig;
  if (!config.revision) return;
  let stored = readConsent();

  const apply = (choices: Choices) => {
    updateConsentMode(choices);
    for (const { key, cookies } of config.categories) if (!choices[key]) deleteCookies(cookies);
    if (revokedCategoryStarted(choices)) location.reload();
    else runGated(choices);
  };

  const decide = (action: ConsentDecision['action'], choices: Choices) => {
    const consentId = stored?.consentId ?? newConsentId();
    const { endpoint, locale, revision, bannerVersion, lifetimeDays } = config;
    sendDecision(endpoint, { site, consentId, action, source: 'banner', locale, revision, bannerVersion, choices });
    const maxAge = lifetimeDays * 86400;
    stored = { consentId, revision, choices, expires: Date.now() / 1000 + maxAge };
    writeConsent(stored, maxAge);
    apply(choices);
  };

  const banner = mountBanner(
    config,
    () => stored,
    // Refusing everything after having granted something is a withdrawal, whichever button did it.
    (choice, choices) => decide(choice != 'accept-all' && anyGranted(stored?.choices) && !anyGranted(choices) ? 'withdraw' : choice, choices),
  );

  const current: ConsentCookie | undefined = stored?.revision == config.revision ? stored : undefined;
  if (current) apply(current.choices);
  else if ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true) decide('gpc', { preferences: false, analytics: false, marketing: false });
  else return banner.open();
  banner.rest();
}

const site = script?.dataset.site;
if (script && site) start(script, site).catch(() => {});
