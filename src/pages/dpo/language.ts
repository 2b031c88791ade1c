import type { APIRoute } from 'astro';
import { isLocale } from '../../lib/locale.ts';
import { chooseDpoLanguage, dpoReturnPath, signedInDpo } from '../../server/dpo-auth.ts';
import { readFormFields } from '../../server/http.ts';
import { rememberLocale } from '../../server/locale-cookie.ts';

/** The DPO's language: kept on their account when signed in, else (on the sign-in page) in the language cookie. */
export const POST: APIRoute = async ({ request, cookies, redirect, url }) => {
  const form = await readFormFields(request, 4 * 1024);
  const locale = form.get('locale') ?? '';
  const target = dpoReturnPath(form.get('next'));
  if (!isLocale(locale)) return redirect(target, 303);
  const dpo = await signedInDpo(cookies);
  if (dpo) await chooseDpoLanguage(dpo.user, locale);
  rememberLocale(cookies, locale, url);
  return redirect(target, 303);
};
