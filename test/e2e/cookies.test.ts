import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { baseURL } from './browser.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { createDpoAccount, signInDpo } from './dpo-account.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

/**
 * Every cookie the portal sets, read off the Set-Cookie header a browser receives: what it may be sent with
 * (SameSite), whether scripts can read it (HttpOnly), where it goes (Path), how long it lives, and Secure whenever
 * visitors reach the portal over HTTPS, which behind a TLS-terminating proxy only PUBLIC_URL tells.
 */
interface CookieFlags {
  value: string;
  path?: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  maxAge?: number;
  expires?: number;
}

function cookieFrom(response: Response, name: string): CookieFlags {
  const header = response.headers.getSetCookie().find((candidate) => candidate.startsWith(`${name}=`));
  if (!header) throw new Error(`${response.url} answered ${response.status} without setting ${name}`);
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const flags: CookieFlags = { value: pair.slice(name.length + 1), httpOnly: false, secure: false };
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=');
    const lower = key.toLowerCase();
    if (lower === 'path') flags.path = value;
    else if (lower === 'httponly') flags.httpOnly = true;
    else if (lower === 'secure') flags.secure = true;
    else if (lower === 'samesite') flags.sameSite = value.toLowerCase();
    else if (lower === 'max-age') flags.maxAge = Number(value);
    else if (lower === 'expires') flags.expires = Date.parse(value);
  }
  return flags;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  redirect: 'manual' as const,
});
const day = 24 * 60 * 60 * 1000;

const dir = mkdtempSync(join(tmpdir(), 'portal-cookies-'));
let httpsPortal: RunningPortal;
let database: TestStoreEnvironment;

beforeAll(async () => {
  database = await testStoreEnvironment(dir);
  httpsPortal = await startPortal({
    ...database.env,
    OUTBOX_DIR: join(dir, 'outbox'),
    PUBLIC_URL: 'https://privacy.ostria.example',
    // The tests reach it on its internal address, as a proxy would.
    ALLOWED_HOSTS: '127.0.0.1',
  });
});
afterAll(async () => {
  await httpsPortal?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const portals = [
  { name: 'over plain HTTP', url: () => baseURL, storeEnv: () => inject('storeEnv'), secure: false },
  { name: 'behind HTTPS (PUBLIC_URL https://…)', url: () => httpsPortal.baseURL, storeEnv: () => database.env, secure: true },
];

describe.each(portals)('cookies $name', ({ url, storeEnv, secure }) => {
  test('portal_locale: the chosen language, a year, site-wide, not readable by scripts', async () => {
    const response = await fetch(`${url()}/language?to=pl&next=/pl/`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(cookieFrom(response, 'portal_locale')).toEqual({ value: 'pl', path: '/', httpOnly: true, secure, sameSite: 'lax', maxAge: 365 * 24 * 3600 });
  });

  test('portal_consent: set by the cookie choice on the portal and by Global Privacy Control, expiring with the consent', async () => {
    const chosen = await fetch(`${url()}/nl/consent?_action=consent.saveCookies`, form({ decision: 'reject-all', locale: 'nl', returnTo: '/nl/' }));
    expect(chosen.status).toBe(303);
    const cookie = cookieFrom(chosen, 'portal_consent');
    expect(cookie).toMatchObject({ path: '/', httpOnly: true, secure, sameSite: 'lax' });
    // The consent lasts six months (content/sites.json lifetimeDays); the cookie must not outlive it.
    expect(cookie.expires).toBeGreaterThan(Date.now() + 150 * day);
    expect(cookie.expires).toBeLessThan(Date.now() + 200 * day);
    // The shared format (consent id, revision, choices, expiry), signed by the portal.
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{22}\.\d{1,6}-[0-9a-f]{8}\.[01]{3}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/);

    const gpc = await fetch(`${url()}/el/`, { headers: { 'Sec-GPC': '1' }, redirect: 'manual' });
    expect(gpc.status).toBe(200);
    expect(cookieFrom(gpc, 'portal_consent')).toMatchObject({ path: '/', httpOnly: true, secure, sameSite: 'lax' });
  });

  test('portal_flash: the marketing sign-up notice, two minutes, only for the consent page, never cross-site', async () => {
    const signedUp = await fetch(
      `${url()}/pl/consent?_action=marketing.signUp`,
      form({ channel: 'email', email: `flags-${secure ? 's' : 'p'}@example.pl`, agree: 'on', locale: 'pl' }),
    );
    expect(signedUp.status).toBe(303);
    expect(cookieFrom(signedUp, 'portal_flash')).toMatchObject({ path: '/pl/consent', httpOnly: true, secure, sameSite: 'strict', maxAge: 120 });
  });

  test('portal_request: the reference after submitting, an hour, only for the requests pages, never cross-site', async () => {
    const submitted = await fetch(
      `${url()}/bg/requests/new?_action=requests.submit`,
      form({ type: 'access', locale: 'bg', name: 'Иван Петров', email: `flags-${secure ? 's' : 'p'}@example.bg`, declaration: 'on' }),
    );
    expect(submitted.status).toBe(303);
    const cookie = cookieFrom(submitted, 'portal_request');
    expect(cookie).toMatchObject({ path: '/bg/requests', httpOnly: true, secure, sameSite: 'strict', maxAge: 3600 });
    // The reference, whether the email went out and when the cookie stops counting, signed by the portal.
    expect(cookie.value).toMatch(/^DSR-\d{4}-[0-9A-Z]{6}\.[01]\.\d{10}\.[A-Za-z0-9_-]{43}$/);
  });

  test('portal_dpo: the DPO session, only for /dpo, never cross-site, ending with the session; signing out clears it', async () => {
    const account = createDpoAccount(`cookies-${secure ? 'https' : 'http'}@ostria.example`, 'nl', { totp: true, env: storeEnv() });
    const signedIn = await signInDpo(url(), account);
    expect(signedIn.status).toBe(303);
    const session = cookieFrom(signedIn, 'portal_dpo');
    expect(session).toMatchObject({ path: '/dpo', httpOnly: true, secure, sameSite: 'strict' });
    expect(session.expires).toBeGreaterThan(Date.now());
    expect(session.expires).toBeLessThanOrEqual(Date.now() + 12 * 60 * 60 * 1000 + 60_000);

    const signedOut = await fetch(`${url()}/dpo/logout`, { method: 'POST', headers: { Cookie: `portal_dpo=${session.value}` }, redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    const cleared = cookieFrom(signedOut, 'portal_dpo');
    expect(cleared.path).toBe('/dpo');
    expect(cleared.value === '' || cleared.value === 'deleted').toBe(true);
    expect(cleared.expires).toBeLessThan(Date.now());
  });

  test(`HSTS is ${secure ? '' : 'not '}sent, and the CSP ${secure ? 'upgrades' : 'leaves'} insecure requests`, async () => {
    const response = await fetch(`${url()}/nl/`);
    expect(response.headers.get('strict-transport-security')).toBe(secure ? 'max-age=31536000; includeSubDomains' : null);
    expect(response.headers.get('content-security-policy')?.includes('upgrade-insecure-requests')).toBe(secure);
    const banner = await fetch(`${url()}/banner.js`);
    expect(banner.headers.get('strict-transport-security')).toBe(secure ? 'max-age=31536000; includeSubDomains' : null);
  });
});
