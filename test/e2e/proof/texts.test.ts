import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { locales } from '../../../src/lib/locale.ts';
import { organisationSchema } from '../../../src/lib/organisation.ts';
import { buildCatalog, currentVersion, todayIn } from '../../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../../src/lib/policy-source.ts';
import { siteCategories, sitesFileSchema } from '../../../src/lib/site.ts';
import { createDpoAccount, signInDpo } from '../dpo-account.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from '../portal.ts';
import { cookieTable } from './cookie-table.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

/**
 * The cookie policy a visitor reads against the cookies the portal really sets: every flow that sets a cookie is
 * driven on the built portal, and each Set-Cookie's name and lifetime (Max-Age, or Expires from now) is compared
 * with the table of the newest version of the policy, in every language.
 */
const content = join(import.meta.dirname, '../../../content');
const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(content, 'organisation.json'), 'utf8')));
const sites = sitesFileSchema.parse(JSON.parse(readFileSync(join(content, 'sites.json'), 'utf8'))).sites;
const cookiePolicy = buildCatalog(readPolicyTexts(join(content, 'policies')))['cookie-policy'];
const newest = cookiePolicy.at(-1);

// Its own portal: the flows below spend budgets (GPC once a day per address) that other files expect unspent.
const dir = mkdtempSync(join(tmpdir(), 'portal-texts-'));
let portal: RunningPortal;
let database: TestStoreEnvironment;
beforeAll(async () => {
  database = await testStoreEnvironment(dir);
  portal = await startPortal({ ...database.env, OUTBOX_DIR: join(dir, 'outbox'), ...consentBudgetsLifted });
});
afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  redirect: 'manual' as const,
});

/** Each cookie a response sets, with how long it lives from now, in seconds. */
function setCookies(response: Response): Map<string, number> {
  const found = new Map<string, number>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const name = pair.slice(0, pair.indexOf('='));
    const maxAge = attributes.find((attribute) => /^max-age=/i.test(attribute));
    const expires = attributes.find((attribute) => /^expires=/i.test(attribute));
    const lifetime = maxAge ? Number(maxAge.slice(8)) : expires ? (Date.parse(expires.slice(8)) - Date.now()) / 1000 : 0;
    if (lifetime > 0) found.set(name, lifetime);
  }
  return found;
}

/** Every flow of the portal that sets a cookie, as a visitor or a DPO goes through it. */
async function cookiesThePortalSets(): Promise<Map<string, number>> {
  const baseURL = portal.baseURL;
  const account = createDpoAccount('cookie-policy@ostria.example', 'el', { totp: true, env: database.env });
  const answers = [
    await fetch(`${baseURL}/language?to=nl&next=/nl/`, { redirect: 'manual' }),
    await fetch(`${baseURL}/nl/consent?_action=consent.saveCookies`, form({ decision: 'accept-all', locale: 'nl', returnTo: '/nl/' })),
    await fetch(`${baseURL}/el/`, { headers: { 'Sec-GPC': '1' }, redirect: 'manual' }),
    await fetch(`${baseURL}/pl/consent?_action=marketing.signUp`, form({ channel: 'email', email: 'cookie-policy@example.pl', agree: 'on', locale: 'pl' })),
    await fetch(
      `${baseURL}/bg/requests/new?_action=requests.submit`,
      form({ type: 'access', locale: 'bg', name: 'Мария Иванова', email: 'cookie-policy@example.bg', declaration: 'on' }),
    ),
    await signInDpo(baseURL, account),
  ];
  const found = new Map<string, number>();
  for (const answer of answers) for (const [name, lifetime] of setCookies(answer)) found.set(name, lifetime);
  return found;
}

/** A stated lifetime matches when it is within 1 % of the real one (six months for 182 days, a year for 365). */
const close = (stated: number, real: number) => Math.abs(stated - real) <= real * 0.01;

describe('the cookie policy tells the truth', () => {
  test('its newest version is the one in effect today', () => {
    expect(currentVersion(cookiePolicy, todayIn(organisation.timeZone))?.version).toBe(newest?.version);
  });

  test('in every language its table lists exactly the cookies the portal sets, with their real lifetimes', async () => {
    const real = await cookiesThePortalSets();
    expect([...real.keys()].sort()).toEqual(['portal_consent', 'portal_consent_id', 'portal_dpo', 'portal_flash', 'portal_locale', 'portal_request']);
    for (const locale of locales) {
      const section = newest?.texts[locale].sections.find((entry) => entry.key === 'list');
      const rows = cookieTable(section?.markdown ?? '', locale);
      expect(rows.map((row) => row.name).sort(), locale).toEqual([...real.keys()].sort());
      for (const row of rows) {
        const lifetime = real.get(row.name) ?? 0;
        expect(row.lifetimes.length, `${locale} ${row.name}`).toBeGreaterThan(0);
        for (const stated of row.lifetimes) expect(close(stated, lifetime), `${locale} ${row.name}: ${stated} s stated, ${lifetime} s set`).toBe(true);
      }
    }
  });

  test('in every language it lists the banner’s own cookie on our websites and only cookies the banner governs', () => {
    const patterns = sites.flatMap((site) => siteCategories(site).flatMap((category) => category.cookies));
    const bannerLifetimes = new Set(sites.map((site) => site.lifetimeDays * 24 * 60 * 60));
    expect(bannerLifetimes.size).toBe(1);
    const [bannerLifetime = 0] = bannerLifetimes;
    for (const locale of locales) {
      const section = newest?.texts[locale].sections.find((entry) => entry.key === 'websites');
      const rows = cookieTable(section?.markdown ?? '', locale);
      const consent = rows.find((row) => row.name === 'portal_consent');
      expect(
        consent?.lifetimes.every((stated) => close(stated, bannerLifetime)),
        locale,
      ).toBe(true);
      for (const row of rows.filter((entry) => entry !== consent)) {
        const governed = patterns.some((pattern) => (pattern.endsWith('*') ? row.name.startsWith(pattern.slice(0, -1)) : row.name === pattern));
        expect(governed, `${locale} ${row.name} is deleted by the banner when consent is withdrawn`).toBe(true);
      }
    }
  });
});
