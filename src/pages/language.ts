import type { APIRoute } from 'astro';
import { isLocale, safeReturnPath } from '../lib/locale.ts';
import { localeCookie } from '../middleware.ts';

const oneYear = 60 * 60 * 24 * 365;

/**
 * The language switcher's target: remembers the chosen locale in a first-party cookie and returns the visitor to the
 * same page in that language. A plain link, so it works without JavaScript.
 */
export const GET: APIRoute = ({ url, cookies, redirect }) => {
  const chosen = url.searchParams.get('to');
  if (!isLocale(chosen)) return redirect('/', 303);
  cookies.set(localeCookie, chosen, {
    path: '/',
    maxAge: oneYear,
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
  });
  return redirect(safeReturnPath(url.searchParams.get('next'), chosen), 303);
};
