import type { AstroCookies } from 'astro';
import type { Locale } from '../lib/locale.ts';
import { servedOverHttps } from './environment.ts';

/** The language a visitor or DPO chose, remembered for a year so `/` and error pages answer in it. */
export const localeCookie = 'portal_locale';

export function rememberLocale(cookies: AstroCookies, locale: Locale, url: URL): void {
  cookies.set(localeCookie, locale, { path: '/', maxAge: 365 * 24 * 3600, httpOnly: true, sameSite: 'lax', secure: servedOverHttps(url) });
}
