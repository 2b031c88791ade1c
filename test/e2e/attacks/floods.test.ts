// Attack class "floods": anonymous writes to tables nothing may delete (consent records, marketing sign-ups), sent as
// a script would send them. Each visitor (a loopback source address 127.0.0.x, or the address a trusted proxy saw)
// has a budget of consent decisions, whichever door they come through (the banner's API, the API through Astro, the
// form without JavaScript); Global Privacy Control on cookieless page views is recorded once a day; one address gets
// one pending confirmation mail however many visitors sign it up. The portal runs with small limits of its own.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw, type Answer } from '../raw-http.ts';
import { translate } from '../scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-attack-floods-'));
const outboxDir = join(dataDir, 'outbox');
const proxy = '127.0.0.40';
const perMinute = 5;
let portal: RunningPortal;
let database: TestStoreEnvironment;
const revisions: Record<'demo' | 'portal', string> = { demo: '', portal: '' };

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: outboxDir,
    CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: String(perMinute),
    CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: '100',
    TRUSTED_PROXIES: proxy,
  });
  for (const site of ['demo', 'portal'] as const) {
    revisions[site] = (JSON.parse((await sendRaw(portal.baseURL, 'GET', `/api/consent/config?site=${site}&lang=pl`)).body) as { revision: string }).revision;
  }
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function count(sql: string, ...parameters: unknown[]): Promise<number> {
  return database.sql.value<number>(sql, ...parameters);
}

const consentRecords = () => count('select count(*) from consent_records');
const mailSent = () => (existsSync(outboxDir) ? readdirSync(outboxDir).filter((file) => file.endsWith('.eml')).length : 0);
const setCookies = (answer: Answer) => [answer.headers['set-cookie'] ?? []].flat();

type Action = 'accept-all' | 'reject-all' | 'gpc';
/** A banner's decision: for the demo site from its page on localhost, or for the portal from its own pages. */
function decide(options: { from: string; forwardedFor?: string; action?: Action; path?: string; site?: 'demo' | 'portal' }): Promise<Answer> {
  const action = options.action ?? 'reject-all';
  const granted = action === 'accept-all';
  const site = options.site ?? 'demo';
  return sendRaw(portal.baseURL, 'POST', options.path ?? '/api/consent', {
    from: options.from,
    headers: {
      'Content-Type': 'text/plain',
      Origin: site === 'demo' ? 'http://localhost:4322' : portal.baseURL,
      ...(options.forwardedFor ? { 'X-Forwarded-For': options.forwardedFor } : {}),
    },
    body: JSON.stringify({
      site,
      action,
      source: 'banner',
      locale: 'pl',
      revision: revisions[site],
      bannerVersion: '1',
      choices: { preferences: granted, analytics: granted, marketing: granted },
    }),
  });
}

async function statuses(answers: (() => Promise<Answer>)[]): Promise<number[]> {
  const seen: number[] = [];
  for (const answer of answers) seen.push((await answer()).status);
  return seen;
}

const times = <T>(n: number, make: (index: number) => T): T[] => Array.from({ length: n }, (_, index) => make(index));

describe('consent decisions: a budget per visitor', () => {
  test('N decisions are recorded, the next is 429 with Retry-After and writes nothing; another visitor is unaffected', async () => {
    const before = await consentRecords();
    const actions: Action[] = ['accept-all', 'reject-all', 'gpc', 'reject-all', 'accept-all'];
    expect(await statuses(actions.map((action) => () => decide({ from: '127.0.0.2', action })))).toEqual(times(perMinute, () => 201));
    expect(await consentRecords()).toBe(before + perMinute);

    const refused = await decide({ from: '127.0.0.2', action: 'gpc' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The banner reads the refusal (CORS), so it knows no record was made.
    expect(refused.headers['access-control-allow-origin']).toBe('http://localhost:4322');
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('too_many');
    expect(await consentRecords()).toBe(before + perMinute);

    expect((await decide({ from: '127.0.0.3' })).status).toBe(201);
    expect(await consentRecords()).toBe(before + perMinute + 1);
  });

  test('a flood of 200 decisions from one visitor leaves exactly N records', async () => {
    const before = await consentRecords();
    const answers = await Promise.all(times(200, () => decide({ from: '127.0.0.4' })));
    const tally: Record<number, number> = {};
    for (const answer of answers) tally[answer.status] = (tally[answer.status] ?? 0) + 1;
    expect(tally).toEqual({ 201: perMinute, 429: 200 - perMinute });
    expect(await consentRecords()).toBe(before + perMinute);
  });

  test('the API through Astro (a trailing slash) shares the budget of the fast path', async () => {
    expect(await statuses(times(perMinute, () => () => decide({ from: '127.0.0.5', site: 'portal' })))).toEqual(times(perMinute, () => 201));
    const before = await consentRecords();
    const around = await decide({ from: '127.0.0.5', site: 'portal', path: '/api/consent/' });
    expect(around.status).toBe(429);
    expect(await consentRecords()).toBe(before);
  });

  test('the cookie form without JavaScript shares the budget, and says so in the page language', async () => {
    const save = () =>
      sendRaw(portal.baseURL, 'POST', '/nl/consent?_action=consent.saveCookies', {
        from: '127.0.0.6',
        form: { decision: 'reject-all', locale: 'nl', returnTo: '/nl/' },
      });
    expect(await statuses([() => decide({ from: '127.0.0.6' }), () => decide({ from: '127.0.0.6' })])).toEqual([201, 201]);
    expect(await statuses(times(perMinute - 2, () => save))).toEqual(times(perMinute - 2, () => 303));
    const before = await consentRecords();
    const refused = await save();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.body).toContain(translate('nl')('consent.cookies.tooMany', { count: Math.ceil(retryAfter / 60) }));
    // No cookie claims a record that was not made.
    expect(setCookies(refused).some((line) => line.startsWith('portal_consent='))).toBe(false);
    expect(await consentRecords()).toBe(before);
  });

  test('behind the trusted proxy each visitor has their own budget; a forged X-Forwarded-For does not reset it', async () => {
    const visitor = '203.0.113.21';
    expect(await statuses(times(perMinute, () => () => decide({ from: proxy, forwardedFor: visitor })))).toEqual(times(perMinute, () => 201));
    expect((await decide({ from: proxy, forwardedFor: visitor })).status).toBe(429);
    expect((await decide({ from: proxy, forwardedFor: `198.51.100.7, ${visitor}` })).status).toBe(429);
    expect((await decide({ from: proxy, forwardedFor: '203.0.113.22' })).status).toBe(201);
    // An IPv6 visitor is one visitor for their whole /64.
    const network = '2001:db8:5:9';
    expect(await statuses(times(perMinute, (index) => () => decide({ from: proxy, forwardedFor: `${network}::${index + 1}` })))).toEqual(
      times(perMinute, () => 201),
    );
    expect((await decide({ from: proxy, forwardedFor: `${network}:ffff::1` })).status).toBe(429);
  });
});

describe('Global Privacy Control on cookieless page views', () => {
  const gpcRecords = () => count("select count(*) from consent_records where action = 'gpc' and site_id = 'portal'");
  const view = (from: string, path = '/el/') => sendRaw(portal.baseURL, 'GET', path, { from, headers: { 'Sec-GPC': '1' } });

  test('50 views from one visitor record one refusal; only the view that made it sets a cookie; every view honours it', async () => {
    const before = await gpcRecords();
    const views: Answer[] = [];
    for (let index = 0; index < 50; index += 1) views.push(await view('127.0.0.7', index % 2 ? '/el/' : '/el/policies/privacy-notice'));
    expect(await gpcRecords()).toBe(before + 1);
    expect(views.map((answer) => answer.status)).toEqual(times(50, () => 200));
    const withCookie = views.map((answer) => setCookies(answer).some((line) => line.startsWith('portal_consent=')));
    expect(withCookie).toEqual(times(50, (index) => index === 0));
    // No banner asks a visitor whose browser refuses already, recorded or not.
    for (const answer of views) expect(answer.body).not.toContain('data-consent-banner');
    // Another visitor's signal is recorded for them.
    expect((await view('127.0.0.8')).status).toBe(200);
    expect(await gpcRecords()).toBe(before + 2);
  });
});

describe('marketing sign-ups', () => {
  const address = 'anna.kowalska@example.pl';
  const signUp = (from: string, email: string) =>
    sendRaw(portal.baseURL, 'POST', '/pl/consent?_action=marketing.signUp', { from, form: { channel: 'email', email, agree: 'on', locale: 'pl' } });
  const pendingRows = (email: string) =>
    count("select count(*) from marketing_subscriptions where channel = 'email' and lower(address) = lower(?) and confirm_token_hash is not null", email);

  test('7 sign-ups of one address from 7 visitors send 1 mail and keep 1 pending row; each visitor sees the same answer', async () => {
    const mail = mailSent();
    const answers: Answer[] = [];
    for (let index = 0; index < 7; index += 1) answers.push(await signUp(`127.0.0.${11 + index}`, index % 3 === 1 ? 'Anna.Kowalska@Example.PL' : address));
    expect(answers.map((answer) => answer.status)).toEqual(times(7, () => 303));
    expect(new Set(answers.map((answer) => answer.headers.location)).size).toBe(1);
    // Every visitor is told to check their mail; nobody learns whether the address was signed up already.
    for (const answer of answers) expect(setCookies(answer).some((line) => line.startsWith('portal_flash=') && line.includes('channel'))).toBe(true);
    await new Promise((settle) => setTimeout(settle, 200));
    expect(mailSent()).toBe(mail + 1);
    expect(await pendingRows(address)).toBe(1);
  });

  test('an address outside ASCII is one address too', async () => {
    const mail = mailSent();
    const greek = 'Μαρία@παράδειγμα.ελ';
    expect(await statuses(times(3, (index) => () => signUp(`127.0.0.${21 + index}`, greek)))).toEqual([303, 303, 303]);
    await new Promise((settle) => setTimeout(settle, 200));
    expect(mailSent()).toBe(mail + 1);
    expect(await count("select count(*) from marketing_subscriptions where channel = 'email' and address = ?", greek)).toBe(1);
  });
});
