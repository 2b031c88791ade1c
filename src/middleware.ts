import { ActionError, getActionContext } from 'astro:actions';
import { defineMiddleware } from 'astro:middleware';
import { actionRefusal } from './lib/form-actions.ts';
import { currentPage, localizedPath, locales, matchAcceptLanguage, negotiateLocale, splitLocalePath } from './lib/locale.ts';
import { translatorFor } from './server/i18n.ts';
import { honourGpc, readVisitorConsent } from './server/visitor-consent.ts';
import { visitorFloodKey } from './server/visitor-address.ts';
import { getEnvironment, getPortalHosts, portalOrigin, portalOrigins, servedOverHttps } from './server/environment.ts';
import { getOrganisation } from './server/organisation.ts';
import { publicUrlIsHttps } from './lib/environment.ts';
import { checkRequestTarget } from './lib/canonical-origin.ts';
import { securityHeaders } from './lib/security-headers.ts';
import { localeCookie } from './server/locale-cookie.ts';
import { adoptPortal } from './server/portal.ts';

/**
 * Resolves the locale of every request once: the path prefix when it is one of ours; otherwise (the root, a 404,
 * an API error page) the best match for a locale-like first segment, the saved choice, Accept-Language, the default.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  // The route pattern (never the URL: it can hold a reference or a token) the portal's server counts this answer under.
  context.locals.routePattern ??= context.routePattern;
  // The portal the portal's server built (scripts/start.ts), shared with its consent fast path; under `astro dev`
  // getPortal() builds one on first use.
  if (context.locals.portal) adoptPortal(context.locals.portal);
  // A page that rewrites to /404 runs the middleware again; the visitor's page and language stay as they were.
  if (context.locals.locale) return next();
  // The portal's own server checks Host before Astro sees the request (scripts/start.ts); this holds under `astro dev`.
  const target = checkRequestTarget(['Host', context.request.headers.get('host') ?? ''], context.url.pathname, getPortalHosts());
  if (!target.ok)
    return new Response(`${target.reason}.`, { status: target.status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  const { pathname } = context.url;
  const { locale: pathLocale } = splitLocalePath(pathname);
  const firstSegment = pathname.split('/')[1]?.slice(0, 35);
  const locale =
    pathLocale ??
    matchAcceptLanguage(firstSegment) ??
    negotiateLocale(
      { saved: context.cookies.get(localeCookie)?.value, acceptLanguage: context.request.headers.get('accept-language') },
      getOrganisation().defaultLocale,
    );

  context.locals.locale = locale;
  context.locals.t = translatorFor(locale);
  const { search } = currentPage(context.url);
  context.locals.alternates = locales.map((other) => ({ locale: other, path: `${localizedPath(pathname, other)}${search}` }));

  if (isCrossSiteFormPost(context.request, context.url)) {
    return withHeaders(new Response(context.locals.t('errors.crossSite'), { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }), locale);
  }

  // A form action runs only when its own page receives it as a form (src/lib/form-actions.ts); otherwise it is
  // answered as an action that does not exist here, or a body it cannot read, without running.
  const { action, setActionResult, serializeActionResult } = getActionContext(context);
  if (action) {
    const refusal = actionRefusal({
      calledFrom: action.calledFrom,
      name: action.name,
      pagePath: pathLocale ? splitLocalePath(pathname).rest : undefined,
      contentType: context.request.headers.get('content-type'),
    });
    if (refusal && action.calledFrom === 'rpc') {
      return withHeaders(
        Response.json({ error: { code: 'not_found', message: 'No such endpoint.' } }, { status: 404, headers: { 'Cache-Control': 'no-store' } }),
        locale,
      );
    }
    if (refusal) {
      const code = refusal === 'notFound' ? 'NOT_FOUND' : 'UNSUPPORTED_MEDIA_TYPE';
      setActionResult(action.name, serializeActionResult({ data: undefined, error: new ActionError({ code }) }));
    }
  }

  // `/de/…` matches the [locale] routes too; it is a page we do not have.
  if (!pathLocale && context.routePattern.startsWith('/[locale]')) return withHeaders(await context.rewrite('/404'), locale);

  if (pathLocale) {
    context.locals.consent = await readVisitorConsent(context.cookies, locale);
    // Global Privacy Control is a refusal of statistics and marketing; an explicit choice overrides it.
    const gpc = context.request.headers.get('sec-gpc') === '1';
    if (gpc && !context.locals.consent.upToDate && context.request.method === 'GET') {
      context.locals.consent = await honourGpc({
        cookies: context.cookies,
        locale,
        origin: portalOrigin(),
        secure: servedOverHttps(context.url),
        visitor: visitorFloodKey(context),
        consent: context.locals.consent,
      });
    }
  }
  const response = await next();
  keepPersonalPagesPrivate(context.request, context.url, response);
  return withHeaders(response, locale);
});

/**
 * A state-changing request to a page or form endpoint from another site (CSRF). The consent API is exempt: it is
 * meant for other origins and checks them against the site's allowed origins itself.
 */
function isCrossSiteFormPost(request: Request, url: URL): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
  if (url.pathname === '/api/consent') return false;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = request.headers.get('origin');
  return origin !== null && !portalOrigins().includes(origin);
}

/**
 * A page marked as the same for every visitor (`public`) that was rendered for this visitor's own request: private
 * when a cookie, a GPC signal, credentials or a query could have changed it.
 */
function keepPersonalPagesPrivate(request: Request, url: URL, response: Response): void {
  if (!/\bpublic\b/.test(response.headers.get('cache-control') ?? '')) return;
  const personal = ['cookie', 'sec-gpc', 'authorization'].some((name) => request.headers.has(name)) || url.search !== '' || response.headers.has('set-cookie');
  if (personal) response.headers.set('Cache-Control', 'private, no-cache');
}

function withHeaders(response: Response, locale: string): Response {
  for (const [name, value] of Object.entries(securityHeaders(publicUrlIsHttps(getEnvironment()))))
    if (!response.headers.has(name)) response.headers.set(name, value);
  if (!response.headers.has('Content-Language') && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
    response.headers.set('Content-Language', locale);
  }
  return response;
}
