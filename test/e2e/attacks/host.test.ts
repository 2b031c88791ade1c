// Attacks through the Host header and the request target: links in mail pointing to the attacker's host (a stranger
// then holds the victim's verification and status tokens), the banner's configuration naming another endpoint, and
// the page cache keeping another page, or an attacker's text, under the official privacy-notice URL. Each case is
// sent as an attacker would (raw HTTP); the assertions are what the victim or the next clean visitor receives.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { outboxMessagesTo, waitForMessageTo } from '../mail.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw, type Answer } from '../raw-http.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const publicHost = 'privacy.ostria.example';

interface Setup {
  name: string;
  env: Record<string, string>;
  /** The Host a clean visitor sends. */
  host: (portal: RunningPortal) => string;
  /** Where every link must point. */
  origin: (portal: RunningPortal) => string;
}

const setups: Setup[] = [
  {
    name: 'without PUBLIC_URL',
    env: {},
    host: (portal) => new URL(portal.baseURL).host,
    origin: (portal) => `http://localhost:${new URL(portal.baseURL).port}`,
  },
  {
    name: 'with PUBLIC_URL, behind a trusted proxy',
    env: { PUBLIC_URL: `https://${publicHost}`, TRUSTED_PROXIES: '127.0.0.1' },
    host: () => publicHost,
    origin: () => `https://${publicHost}`,
  },
];

/** Bytes exactly as given: several Host headers, or a request line fetch and node:http would not send. */
function sendText(base: string, text: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      resolve({ status, headers: {}, body: raw.slice(raw.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe.each(setups)('$name', (setup) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-attack-host-'));
  const outboxDir = join(dataDir, 'outbox');
  let portal: RunningPortal;
  let database: TestStoreEnvironment;
  let host: string;
  let origin: string;
  let visitor = 10;
  const from = () => `127.0.0.${++visitor}`;

  beforeAll(async () => {
    database = await testStoreEnvironment(dataDir);
    portal = await startPortal({ ...database.env, OUTBOX_DIR: outboxDir, REQUESTS_PER_HOUR_PER_ADDRESS: '1000', ...setup.env }, { publicUrl: 'unset' });
    host = setup.host(portal);
    origin = setup.origin(portal);
  });

  afterAll(async () => {
    await portal?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => sendRaw(portal.baseURL, 'GET', path, { headers: { Host: host, ...headers } });
  const submitRequest = (email: string, headers: Record<string, string>, name = 'Eleni Papadopoulou') =>
    sendRaw(portal.baseURL, 'POST', '/api/requests', { from: from(), headers, json: { type: 'access', locale: 'el', name, email, declaration: true } });
  const linksIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((match) => match[0]);

  test('a request sent with a foreign Host is refused and the victim gets no mail pointing anywhere else', async () => {
    const victim = `victim.${setup.env.PUBLIC_URL ? 'b' : 'a'}@example.org`;
    const foreigners = ['evil.example', 'evil.example:443', `${new URL(`http://${host}`).hostname}.evil.example`];
    const statuses = [];
    for (const foreign of foreigners) statuses.push((await submitRequest(victim, { Host: foreign })).status);
    // Behind the proxy, forwarded host and scheme headers change nothing either.
    const forwarded = await submitRequest(victim, {
      Host: host,
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'http',
      Forwarded: 'host=evil.example',
    });
    expect(forwarded.status).toBe(201);
    await waitForMessageTo(outboxDir, victim);
    const mails = await outboxMessagesTo(outboxDir, victim);
    for (const mail of mails) {
      expect(mail.text + mail.html).not.toContain('evil.example');
      const links = linksIn(mail.text).filter((link) => link.includes('/requests/'));
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link.startsWith(`${origin}/el/requests/`), link).toBe(true);
    }
    expect(mails).toHaveLength(1);
    expect(statuses).toEqual(foreigners.map(() => 421));
  });

  test('a marketing sign-up with a foreign Host sends no confirmation link to that host', async () => {
    const victim = `news.${setup.env.PUBLIC_URL ? 'b' : 'a'}@example.org`;
    const signUp = (headers: Record<string, string>) =>
      sendRaw(portal.baseURL, 'POST', '/nl/consent?_action=marketing.signUp', {
        from: from(),
        headers,
        form: { channel: 'email', email: victim, agree: 'on', locale: 'nl' },
      });
    const foreign = await signUp({ Host: 'evil.example', Origin: 'http://evil.example' });
    await new Promise((settle) => setTimeout(settle, 300));
    for (const mail of await outboxMessagesTo(outboxDir, victim)) expect(mail.text + mail.html).not.toContain('evil.example');
    expect(foreign.status).toBe(421);
    expect((await signUp({ Host: host, Origin: origin, 'X-Forwarded-Host': 'evil.example' })).status).toBeLessThan(400);
    const mail = await waitForMessageTo(outboxDir, victim);
    expect(mail.text + mail.html).not.toContain('evil.example');
    expect(linksIn(mail.text).some((link) => link.startsWith(`${origin}/nl/marketing/confirm?`))).toBe(true);
  });

  test("the banner's configuration names the portal's own endpoint and policy, whatever Host says", async () => {
    const foreign = await get('/api/consent/config?site=demo&lang=pl', { Host: 'evil.example' });
    expect(foreign.body).not.toContain('evil.example');
    expect(foreign.status).toBe(421);
    const config = JSON.parse((await get('/api/consent/config?site=demo&lang=pl', { 'X-Forwarded-Host': 'evil.example' })).body) as {
      endpoint: string;
      policy: Record<string, string>;
    };
    expect(config.endpoint).toBe(`${origin}/api/consent`);
    for (const url of Object.values(config.policy).filter((value) => typeof value === 'string' && value.startsWith('http')))
      expect(url.startsWith(`${origin}/pl/policies/`), url).toBe(true);
  });

  test.each([
    ['user info', 'victim@HOST'],
    ['a path', 'HOST/dpo/login?'],
    ['a backslash', 'HOST\\dpo\\login?'],
    ['a space', 'HOST x'],
    ['a query', 'HOST?x=1'],
    ['a bad port', 'HOST:99999'],
  ])('a Host with %s is a 400, never a 500 or a page', async (_, template) => {
    const answer = await get('/nl/policies/privacy-notice', { Host: template.replace('HOST', host) });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('<html');
  });

  test('several Host headers, or an absolute-form target naming another host, are a 400', async () => {
    const twice = await sendText(
      portal.baseURL,
      `GET /nl/policies/privacy-notice HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(twice.status).toBe(400);
    const absolute = await sendText(
      portal.baseURL,
      `GET http://evil.example/nl/policies/privacy-notice HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute.status).toBe(400);
    const ours = await sendText(portal.baseURL, `GET ${origin}/nl/policies/cookie-policy HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(ours.status).toBe(200);
    expect(ours.body).toContain(`<link rel="canonical" href="${origin}/nl/policies/cookie-policy">`);
  });

  describe('the page cache', () => {
    /** What a clean visitor gets from memory, and what the portal renders for a visitor it does not cache for. */
    async function cleanAndRendered(path: string) {
      const clean = await get(path);
      const rendered = await get(path, { Cookie: 'unrelated=1' });
      expect(clean.status).toBe(200);
      expect(rendered.status).toBe(200);
      return { clean, rendered };
    }

    async function attackerStatusPath(): Promise<string> {
      const email = `attacker.${setup.env.PUBLIC_URL ? 'b' : 'a'}@example.org`;
      expect((await submitRequest(email, { Host: host }, 'ATTACKER-TEXT-ON-THE-NOTICE')).status).toBe(201);
      const mail = await waitForMessageTo(outboxDir, email);
      const link = linksIn(mail.text).find((candidate) => candidate.includes('/requests/') && !candidate.includes('verify='));
      const url = new URL(link ?? '');
      return url.pathname + url.search;
    }

    test.each([
      ['/nl/policies/privacy-notice', (h: string) => `${h}/dpo/login?`, 'the DPO sign-in page'],
      ['/bg/policies/privacy-notice', (h: string) => `${h}\\dpo\\login?`, 'the DPO sign-in page, with backslashes'],
      ['/pl/policies/privacy-notice', () => 'evil.example', 'hreflang links on a foreign host'],
      ['/el/policies/privacy-notice/history', (h: string) => `evil@${h}`, 'user info'],
      ['/nl/', (h: string) => `${h}/de/?`, 'another page for the start page'],
    ])('a first request for %s with a poisoned Host leaves the kept page clean (%s)', async (path, poison, what) => {
      const attack = await get(path, { Host: poison(host) });
      const { clean, rendered } = await cleanAndRendered(path);
      expect(clean.body, what).not.toContain('name="password"');
      expect(clean.body, what).not.toContain('evil.example');
      expect(clean.body, what).toBe(rendered.body);
      expect(clean.body).toContain(`<link rel="alternate" hreflang="x-default" href="${origin}/">`);
      expect(clean.headers.etag).toBeDefined();
      expect(attack.status, what).toBeGreaterThanOrEqual(400);
    });

    test("an attacker's own status page is never kept under the privacy notice", async () => {
      const status = await attackerStatusPath();
      const attack = await get('/el/policies/privacy-notice', { Host: `${host}${status}&` });
      const { clean, rendered } = await cleanAndRendered('/el/policies/privacy-notice');
      expect(clean.body).not.toContain('ATTACKER-TEXT-ON-THE-NOTICE');
      expect(clean.body).toBe(rendered.body);
      expect(attack.status).toBe(400);
      // The attacker's status page itself is private to whoever holds the link: never kept, never shared.
      const own = await get(status);
      expect(own.body).toContain('ATTACKER-TEXT-ON-THE-NOTICE');
      expect(own.headers['cache-control']).toContain('no-store');
    });

    test('a visitor with a cookie or a query gets a page marked private; a clean visitor a shared one from memory', async () => {
      const path = '/pl/policies/cookie-policy';
      const clean = await get(path);
      expect(clean.headers['cache-control']).toBe('public, no-cache');
      expect(clean.headers.age).toBeDefined();
      expect((await get(path, { Cookie: 'unrelated=1' })).headers['cache-control']).toBe('private, no-cache');
      expect((await get(`${path}?utm=1`)).headers['cache-control']).toBe('private, no-cache');
    });
  });
});
