import type { APIRoute } from 'astro';
import { setDpoLocale } from '../../lib/dpo.repo.ts';
import { isLocale } from '../../lib/locale.ts';
import { getDatabase } from '../../server/db.ts';
import { signedInDpo } from '../../server/dpo-auth.ts';
import { readBodyText } from '../../server/http.ts';
import { localeCookie } from '../../middleware.ts';

/** The DPO's language: kept on their account when signed in, else (on the sign-in page) in the language cookie. */
export const POST: APIRoute = async ({ request, cookies, redirect }) => {
  const body = await readBodyText(request, 4 * 1024);
  const form = new URLSearchParams('text' in body ? body.text : '');
  const locale = form.get('locale') ?? '';
  const next = form.get('next') ?? '/dpo';
  const target = /^\/dpo(?:[/?#]|$)/.test(next) ? next : '/dpo';
  if (!isLocale(locale)) return redirect(target, 303);
  const dpo = signedInDpo(cookies);
  if (dpo) setDpoLocale(getDatabase(), dpo.user.id, locale);
  cookies.set(localeCookie, locale, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true });
  return redirect(target, 303);
};
