import type { APIRoute } from 'astro';
import { buildBannerConfig } from '../../../lib/banner-config.ts';
import { bannerVersion } from '../../../lib/consent.ts';
import { matchAcceptLanguage } from '../../../lib/locale.ts';
import { siteCategories } from '../../../lib/site.ts';
import { consentTerms } from '../../../server/consent.ts';
import { jsonError } from '../../../server/http.ts';
import { portalOrigin } from '../../../server/environment.ts';
import { findSite } from '../../../server/sites.ts';

/**
 * The banner's configuration for a site, in the language of the embedding page (`lang`: its <html lang>, matched
 * as full tag, then primary subtag, then the site's default). Public and cacheable for a few minutes.
 */
export const GET: APIRoute = async ({ url }) => {
  const site = findSite(url.searchParams.get('site') ?? '');
  if (!site) return jsonError(404, 'unknown_site', 'No such site.', {}, { 'Access-Control-Allow-Origin': '*' });
  const locale = matchAcceptLanguage((url.searchParams.get('lang') ?? '').slice(0, 35)) ?? site.defaultLocale;
  const terms = await consentTerms(site, locale);
  const config = buildBannerConfig({
    siteId: site.id,
    locale,
    revision: terms.revision,
    bannerVersion,
    lifetimeDays: site.lifetimeDays,
    portalOrigin: portalOrigin(),
    policy: {
      document: site.policy,
      version: terms.policy.version,
      effective: terms.policy.effective,
      summary: terms.policy.texts[locale].summary,
    },
    categories: siteCategories(site),
    strings: terms.strings,
  });
  return Response.json(config, {
    headers: { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300', Vary: 'Accept-Encoding' },
  });
};
