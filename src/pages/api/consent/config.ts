import type { APIRoute } from 'astro';
import { buildBannerConfig } from '../../../lib/banner-config.ts';
import { bannerVersion } from '../../../lib/consent.ts';
import { matchAcceptLanguage } from '../../../lib/locale.ts';
import { originAllowed, siteCategories } from '../../../lib/site.ts';
import { consentTerms } from '../../../server/consent.ts';
import { jsonError } from '../../../server/http.ts';
import { portalOrigin, portalOrigins } from '../../../server/environment.ts';
import { findSite } from '../../../server/sites.ts';

/**
 * The banner's configuration for a site, in the language of the embedding page (`lang`: its <html lang>, matched
 * as full tag, then primary subtag, then the site's default). Public and cacheable for a few minutes.
 *
 * A browser sends the embedding page's Origin with the banner's fetch: an origin the site does not allow gets a 403
 * the banner can read (so it stays silent and says why in the console) instead of a configuration that would show a
 * banner whose decisions are all refused. A request without Origin (the portal's own pages, other clients) is answered
 * as it always was; answers vary by Origin.
 */
export const GET: APIRoute = async ({ url, request }) => {
  const cors = { 'Access-Control-Allow-Origin': '*', Vary: 'Origin, Accept-Encoding' };
  const site = findSite(url.searchParams.get('site') ?? '');
  if (!site) return jsonError(404, 'unknown_site', 'No such site.', {}, cors);
  const origin = request.headers.get('origin');
  if (origin !== null && !originAllowed(origin, site, portalOrigins())) {
    return jsonError(403, 'origin_not_allowed', `Origin ${origin.slice(0, 200)} may not show the banner of site "${site.id}".`, {}, cors);
  }
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
    headers: { ...cors, 'Cache-Control': 'public, max-age=300' },
  });
};
