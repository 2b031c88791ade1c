import { defineMiddleware } from 'astro:middleware';
import { localizedPath, locales, matchAcceptLanguage, negotiateLocale, splitLocalePath } from './lib/locale.ts';
import { translatorFor } from './server/i18n.ts';
import { organisation } from './server/organisation.ts';

export const localeCookie = 'portal_locale';

/**
 * Resolves the locale of every request once: the path prefix when it is one of ours; otherwise (the root, a 404,
 * an API error page) the best match for a locale-like first segment, the saved choice, Accept-Language, the default.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  // A page that rewrites to /404 runs the middleware again; the visitor's page and language stay as they were.
  if (context.locals.locale) return next();
  const { pathname } = context.url;
  const { locale: pathLocale } = splitLocalePath(pathname);
  const firstSegment = pathname.split('/')[1]?.slice(0, 35);
  const locale =
    pathLocale ??
    matchAcceptLanguage(firstSegment) ??
    negotiateLocale(
      { saved: context.cookies.get(localeCookie)?.value, acceptLanguage: context.request.headers.get('accept-language') },
      organisation.defaultLocale,
    );

  context.locals.locale = locale;
  context.locals.t = translatorFor(locale);
  context.locals.alternates = locales.map((other) => ({ locale: other, path: localizedPath(pathname, other) }));

  // `/de/…` matches the [locale] routes too; it is a page we do not have.
  if (!pathLocale && context.routePattern.startsWith('/[locale]')) return withHeaders(await context.rewrite('/404'), locale);
  return withHeaders(await next(), locale);
});

function withHeaders(response: Response, locale: string): Response {
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  if (!response.headers.has('Content-Language') && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
    response.headers.set('Content-Language', locale);
  }
  return response;
}
