import type { DpoUser } from '../../db/rows.ts';
import type { AstroCookies } from 'astro';
import { endSession, findDpoUser, resumeSession, setDpoLocale, startSession, useTotpStep } from '../lib/dpo.repo.ts';
import { isLocale, type Locale } from '../lib/locale.ts';
import type { Throttle } from '../lib/login-throttle.ts';
import { decoyHash, maxPasswordLength, verifyPassword } from '../lib/password.ts';
import { open } from '../lib/secret-box.ts';
import { matchTotp } from '../lib/totp.ts';
import type { Translate } from '../lib/i18n.ts';
import { getStore } from './db.ts';
import { getFloodLimits } from './flood-limits.ts';
import { translatorFor } from './i18n.ts';
import { getPortalSecret } from './secret.ts';
import { getPortal } from './portal.ts';

/** The DPO's session cookie: HttpOnly, SameSite=Strict, only sent to /dpo, Secure over HTTPS. */
export const sessionCookie = 'portal_dpo';

let throttle: Throttle | undefined;

export interface SignedIn {
  user: DpoUser;
  locale: Locale;
  t: Translate;
}

/**
 * The signed-in DPO, checked on every DPO page and endpoint itself (not by URL prefix). A cookie that names no live
 * session (expired, signed out, tampered with) is removed.
 */
export async function signedInDpo(cookies: AstroCookies, now = getPortal().clock()): Promise<SignedIn | undefined> {
  const token = cookies.get(sessionCookie)?.value;
  if (token === undefined) return undefined;
  const user = await resumeSession(getStore(), token, now);
  if (!user) {
    cookies.delete(sessionCookie, { path: '/dpo' });
    return undefined;
  }
  const locale = isLocale(user.locale) ? user.locale : 'el';
  return { user, locale, t: translatorFor(locale) };
}

export { dpoReturnPath, loginRedirect } from '../lib/return-path.ts';

/** A DPO endpoint or action without a session: 401, revealing nothing. */
export function unauthorized(): Response {
  return Response.json({ error: { code: 'unauthorized', message: 'Sign in at /dpo/login.' } }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
}

export type SignInResult = { ok: true; user: DpoUser } | { ok: false; reason: 'failed' | 'locked' };

/**
 * Checks a sign-in. An unknown or disabled account costs the same scrypt work as a wrong password and gets the same
 * answer. The attempt is counted on the account and the client address before its password is checked (growing
 * delays after 5, then refusal), so guesses sent all at once are limited like guesses sent one by one.
 */
export async function signIn(input: { email: string; password: string; code: string }, visitorKey: string, now = getPortal().clock()): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase().slice(0, 254);
  throttle ??= getFloodLimits().signInThrottle();
  const attempt = await throttle.reserve({ account: `account:${email}`, address: `address:${visitorKey}` });
  if (attempt === 'locked') return { ok: false, reason: 'locked' };
  if (attempt.wait > 0) await new Promise((resolve) => setTimeout(resolve, attempt.wait));

  const checked = await getStore().read((db) => findDpoUser(db, email));
  const password = input.password.slice(0, maxPasswordLength + 1);
  const passwordOk = await verifyPassword(password, checked?.passwordHash ?? (await decoyHash()));
  // Read again after the check: an account reset, disabled or removed meanwhile is not signed in as it was.
  const user = await getStore().read((db) => findDpoUser(db, email));
  let ok = passwordOk && user !== undefined && user.passwordHash === checked?.passwordHash && user.disabledAt === null;
  if (ok && user?.totpSecret) {
    const secret = open(user.totpSecret, getPortalSecret(), 'totp');
    const step = secret ? matchTotp(secret, input.code, now) : undefined;
    ok = step !== undefined && (await useTotpStep(getStore(), user.id, step));
  }
  // A failed attempt stays counted.
  if (!ok || !user) return { ok: false, reason: 'failed' };
  await attempt.succeeded();
  return { ok: true, user };
}

export async function startDpoSession(cookies: AstroCookies, user: DpoUser, secure: boolean, now = getPortal().clock()): Promise<void> {
  const session = await startSession(getStore(), user.id, now);
  cookies.set(sessionCookie, session.token, { path: '/dpo', httpOnly: true, sameSite: 'strict', secure, expires: new Date(session.expiresAt) });
}

export async function endDpoSession(cookies: AstroCookies): Promise<void> {
  await endSession(getStore(), cookies.get(sessionCookie)?.value);
  cookies.delete(sessionCookie, { path: '/dpo' });
}

/** The DPO chooses the language of their pages and emails: kept on their account. */
export async function chooseDpoLanguage(user: DpoUser, locale: Locale): Promise<void> {
  await setDpoLocale(getStore(), user.id, locale);
}
