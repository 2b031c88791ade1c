import type { APIRoute } from 'astro';
import { isLocale, safeReturnPath } from '../lib/locale.ts';
import { rememberLocale } from '../server/locale-cookie.ts';

/**
 * The language switcher's target: remembers the chosen locale in a first-party cookie and returns the visitor to the
 * same page in that language. A plain link, so it works without JavaScript.
 */
export const GET: APIRoute = ({ url, cookies, redirect }) => {
  const chosen = url.searchParams.get('to');
  if (!isLocale(chosen)) return redirect('/', 303);
  rememberLocale(cookies, chosen, url);
  return redirect(safeReturnPath(url.searchParams.get('next'), chosen), 303);
};
