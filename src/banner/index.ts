/**
 * The cookie consent banner, embedded as `<script src="https://PORTAL/banner.js" data-site="SITE_ID" defer>`.
 * It asks in the language of the page's <html lang>, gates the page's scripts by category, and records every
 * decision on the portal and then, once the portal has recorded it, in the first-party `portal_consent` cookie.
 */
import type { BannerConfig, ConsentDecision } from '../lib/banner-config.ts';
import { optionalCategories, type Choices, type ConsentCookie } from '../lib/consent-cookie.ts';
import { deleteCookies, forgetConsent, readConsent, writeConsent } from './cookies.ts';
import { mountBanner } from './dialog.ts';
import { revokedCategoryStarted, runGated, updateConsentMode } from './gating.ts';
import { newConsentId, sendDecision } from './record.ts';

// Only set while this script runs for the first time, before anything is awaited.
const script = document.currentScript as HTMLScriptElement | null;

const anyGranted = (choices: Choices | undefined) => optionalCategories.some((key) => choices?.[key]);

async function start(script: HTMLScriptElement, site: string): Promise<void> {
  const query = new URLSearchParams({ site, lang: document.documentElement.lang });
  const response = fetch(`${new URL(script.src).origin}/api/consent/config?${query}`).catch(() => undefined);
  if (document.readyState === 'loading') await new Promise((ready) => document.addEventListener('DOMContentLoaded', ready));
  const answer = await response;
  // A site the portal does not know, or one that does not allow this page's origin: every decision would be refused,
  // so the banner shows nothing, runs nothing and tells the site owner. An unreachable portal still lets `necessary` run.
  if (answer && answer.status >= 400 && answer.status < 500) {
    console.error(`Consent banner: the portal refuses site "${site}" on ${location.origin} (${answer.status}); nothing is shown or run.`);
    return;
  }
  runGated();
  if (!answer?.ok) return;
  const config = (await answer.json()) as BannerConfig;
  if (!config.revision) return;
  let stored = readConsent();

  const apply = (choices: Choices) => {
    updateConsentMode(choices);
    for (const { key, cookies } of config.categories) if (!choices[key]) deleteCookies(cookies);
    if (revokedCategoryStarted(choices)) location.reload();
    else runGated(choices);
  };

  const decide = async (action: ConsentDecision['action'], choices: Choices) => {
    const consentId = stored?.consentId ?? newConsentId();
    const { endpoint, locale, revision, bannerVersion, lifetimeDays } = config;
    if (await sendDecision(endpoint, { site, consentId, action, source: 'banner', locale, revision, bannerVersion, choices })) {
      const maxAge = lifetimeDays * 86400;
      stored = { consentId, revision, choices, expires: Date.now() / 1000 + maxAge };
      writeConsent(stored, maxAge);
      return apply(choices);
    }
    // Not recorded, so nothing may rest on it: no cookie, nothing newly granted. What it refuses still takes effect
    // here, and a cookie that granted more is dropped, so the next page asks again instead of granting it again.
    const current = stored?.revision === config.revision ? stored.choices : undefined;
    const kept = Object.fromEntries(optionalCategories.map((key) => [key, choices[key] && !!current?.[key]])) as Choices;
    if (optionalCategories.some((key) => current?.[key] && !kept[key])) {
      forgetConsent();
      stored = undefined;
    }
    apply(kept);
  };

  const banner = mountBanner(
    config,
    () => stored,
    // Refusing everything after having granted something is a withdrawal, whichever button did it.
    (choice, choices) => decide(choice !== 'accept-all' && anyGranted(stored?.choices) && !anyGranted(choices) ? 'withdraw' : choice, choices),
  );

  const current: ConsentCookie | undefined = stored?.revision === config.revision ? stored : undefined;
  if (current) apply(current.choices);
  else if ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true)
    void decide('gpc', { preferences: false, analytics: false, marketing: false });
  else return banner.open();
  banner.rest();
}

const site = script?.dataset.site;
if (script && site) start(script, site).catch(() => {});
