// Marketing consent proof that survives mail scanners and checks the number: opening links never withdraws or
// confirms (only a POST does), SMS and phone consent wait for a code sent to the number, and a sign-up made before any
// cookie choice still belongs to a consent id the visitor sees and withdraws on the consent page.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from '../browser.ts';
import { waitForMessageTo } from '../mail.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw } from '../raw-http.ts';
import { translate } from '../scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-marketing-proof-'));
const outboxDir = join(dataDir, 'outbox');
let portal: RunningPortal;
let database: TestStoreEnvironment;
let session: BrowserSession;

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({ ...database.env, OUTBOX_DIR: outboxDir, ...consentBudgetsLifted });
  if (hasBrowser) session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface StoredSubscription {
  id: number;
  consentId: string | null;
  events: { event: string; via: string }[];
}

async function subscriptionOf(address: string): Promise<StoredSubscription | undefined> {
  const row = await database.sql.row<{ id: number; consentId: string | null }>(
    'select id, consent_id as "consentId" from marketing_subscriptions where address = ? order by id desc',
    address,
  );
  if (!row) return undefined;
  const events = await database.sql.rows<{ event: string; via: string }>(
    'select event, via from marketing_events where subscription_id = ? order by id',
    row.id,
  );
  return { ...row, events };
}

let nextSource = 10;
/** Each sign-up from its own loopback address, so the sign-up budget never gets in the way. */
const source = () => `127.0.5.${++nextSource}`;

/** Every URL a mail carries, in its headers, text and HTML parts, as a link-checking scanner collects them. */
function urlsIn(message: { headerBlock: string; text: string; html: string }): string[] {
  const html = message.html.replace(/&amp;/g, '&');
  const found = `${message.headerBlock}\n${message.text}\n${html}`.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found)];
}

/** The SMS messages written to the outbox for a number, oldest first. */
function smsTo(number: string): { file: string; text: string }[] {
  if (!existsSync(outboxDir)) return [];
  return readdirSync(outboxDir)
    .filter((file) => file.endsWith('.sms.txt'))
    .sort()
    .map((file) => ({ file: join(outboxDir, file), text: readFileSync(join(outboxDir, file), 'utf8') }))
    .filter((sms) => sms.text.includes(number));
}

function codeIn(text: string): string {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in ${text}`);
  return code;
}

describe('a mail scanner opening every link of the sign-up mail', () => {
  test('leaves the sign-up pending and confirmable; the person then confirms and stays subscribed', async () => {
    const address = 'scanner.target@example.gr';
    const signedUp = await sendRaw(portal.baseURL, 'POST', '/el/consent?_action=marketing.signUp', {
      from: source(),
      form: { channel: 'email', email: address, agree: 'on', locale: 'el' },
    });
    expect(signedUp.status).toBe(303);
    const mail = await waitForMessageTo(outboxDir, address);
    const urls = urlsIn(mail);
    expect(urls.some((url) => url.includes('/marketing/unsubscribe?token='))).toBe(true);
    expect(urls.some((url) => url.includes('/marketing/confirm?token='))).toBe(true);

    // The scanner: GET (and HEAD) every link, following redirects, twice.
    for (const round of [1, 2]) {
      for (const url of urls) {
        const opened = await fetch(url, { redirect: 'follow' });
        expect(opened.status, `${url} (round ${round})`).toBeLessThan(500);
        await fetch(url, { method: 'HEAD', redirect: 'follow' });
      }
    }
    expect((await subscriptionOf(address))?.events).toEqual([{ event: 'requested', via: 'preferences' }]);

    const confirmUrl = urls.find((url) => url.includes('/marketing/confirm?token=')) ?? '';
    const confirmed = await fetch(confirmUrl, { method: 'POST', redirect: 'follow' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(translate('el')('marketing.confirm.done'));
    expect((await subscriptionOf(address))?.events).toEqual([
      { event: 'requested', via: 'preferences' },
      { event: 'confirmed', via: 'confirmation-link' },
    ]);
    // Scanners that look again after the confirmation change nothing either.
    for (const url of urls) await fetch(url, { redirect: 'follow' });
    expect((await subscriptionOf(address))?.events.map((event) => event.event)).toEqual(['requested', 'confirmed']);
  });

  test('the RFC 8058 one-click POST still withdraws at once', async () => {
    const address = 'one.click@example.nl';
    await sendRaw(portal.baseURL, 'POST', '/nl/consent?_action=marketing.signUp', {
      from: source(),
      form: { channel: 'email', email: address, agree: 'on', locale: 'nl' },
    });
    const mail = await waitForMessageTo(outboxDir, address);
    const unsubscribe = /^List-Unsubscribe: <([^>]+)>/m.exec(mail.headerBlock)?.[1] ?? '';
    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect((await subscriptionOf(address))?.events.at(-1)).toEqual({ event: 'withdrawn', via: 'list-unsubscribe' });
  });
});

describe('a phone (voice) consent', () => {
  /** The cookies a raw client keeps, as a browser would. */
  function jar() {
    const cookies = new Map<string, string>();
    return {
      header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      keep(setCookie: string[] | undefined) {
        for (const line of setCookie ?? []) {
          const [pair = ''] = line.split(';');
          const at = pair.indexOf('=');
          cookies.set(pair.slice(0, at), pair.slice(at + 1));
        }
      },
    };
  }

  test('is confirmed by the same code sent by SMS to the number; five wrong entries spend it, and another browser cannot enter it', async () => {
    const number = '+359881234573';
    const t = translate('bg');
    const browser = jar();
    const signUp = async () => {
      const answer = await sendRaw(portal.baseURL, 'POST', '/bg/consent?_action=marketing.signUp', {
        from: source(),
        headers: { Cookie: browser.header() },
        form: { channel: 'phone', phone: '+359 88 123 4573', agree: 'on', locale: 'bg' },
      });
      browser.keep(answer.headers['set-cookie']);
      return answer;
    };
    const first = await signUp();
    expect(first.status).toBe(303);
    // The consent id issued with the sign-up (no cookie choice was made): signed, for the portal's server only.
    const issued = (first.headers['set-cookie'] ?? []).find((line) => line.startsWith('portal_consent_id='));
    expect(issued).toMatch(/^portal_consent_id=[^;]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    const subscription = (await subscriptionOf(number)) ?? expect.unreachable('the sign-up is recorded');
    expect(subscription.events.map((event) => event.event)).toEqual(['requested']);
    const code = codeIn(smsTo(number)[0]?.text ?? '');
    const enter = (value: string, cookie = browser.header()) =>
      sendRaw(portal.baseURL, 'POST', '/bg/consent?_action=marketing.confirmCode', {
        from: source(),
        headers: { Cookie: cookie },
        form: { subscription: String(subscription.id), code: value, locale: 'bg' },
      });

    const stranger = await enter(code, '');
    expect(stranger.status).toBe(400);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const answer = await enter(wrong);
      expect(answer.status, `attempt ${attempt}`).toBe(400);
      expect(answer.body).toContain(t('marketing.errors.codeWrong'));
    }
    const spent = await enter(code);
    expect(spent.status).toBe(429);
    expect(spent.body).toContain(t('marketing.errors.codeTooMany'));
    expect((await enter(code)).body).toContain(t('marketing.errors.codeTooMany'));
    expect((await subscriptionOf(number))?.events.map((event) => event.event)).toEqual(['requested']);

    // The spent code no longer holds the number: a new sign-up sends a new code, which confirms.
    expect((await signUp()).status).toBe(303);
    expect(smsTo(number)).toHaveLength(2);
    const renewed = (await subscriptionOf(number)) ?? expect.unreachable('the new sign-up is recorded');
    const confirmed = await sendRaw(portal.baseURL, 'POST', '/bg/consent?_action=marketing.confirmCode', {
      from: source(),
      headers: { Cookie: browser.header() },
      form: { subscription: String(renewed.id), code: codeIn(smsTo(number)[1]?.text ?? ''), locale: 'bg' },
    });
    expect(confirmed.status).toBe(303);
    expect((await subscriptionOf(number))?.events).toEqual([
      { event: 'requested', via: 'preferences' },
      { event: 'confirmed', via: 'confirmation-code' },
    ]);
  });
});

describe("through the operator's SMS gateway (SMS_URL)", () => {
  const received: { authorization: string | undefined; body: { to: string; text: string } }[] = [];
  let failing = false;
  let gateway: Server;
  let gatewayPortal: RunningPortal;
  let gatewayDatabase: TestStoreEnvironment;
  const gatewayData = mkdtempSync(join(tmpdir(), 'portal-sms-gateway-'));

  beforeAll(async () => {
    gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        if (failing) return void response.writeHead(503).end();
        received.push({ authorization: request.headers.authorization, body: JSON.parse(body) as { to: string; text: string } });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((listening) => gateway.listen(0, '127.0.0.1', listening));
    const { port } = gateway.address() as AddressInfo;
    gatewayDatabase = await testStoreEnvironment(gatewayData);
    gatewayPortal = await startPortal({
      ...gatewayDatabase.env,
      OUTBOX_DIR: join(gatewayData, 'outbox'),
      SMS_URL: `http://gateway-token@127.0.0.1:${port}/send`,
      ...consentBudgetsLifted,
    });
  });

  afterAll(async () => {
    await gatewayPortal?.stop();
    await gatewayDatabase?.drop();
    await new Promise((closed) => gateway?.close(closed));
    rmSync(gatewayData, { recursive: true, force: true });
  });

  const signUp = (phone: string) =>
    sendRaw(gatewayPortal.baseURL, 'POST', '/nl/consent?_action=marketing.signUp', {
      from: source(),
      form: { channel: 'sms', phone, agree: 'on', locale: 'nl' },
    });

  test('the code goes to the gateway as POST JSON {to, text} with the bearer token, and nothing to the outbox', async () => {
    expect((await signUp('+31612345674')).status).toBe(303);
    expect(received).toHaveLength(1);
    expect(received[0]?.authorization).toBe('Bearer gateway-token');
    expect(received[0]?.body.to).toBe('+31612345674');
    expect(received[0]?.body.text).toMatch(/\b\d{6}\b/);
    expect(existsSync(join(gatewayData, 'outbox')) ? readdirSync(join(gatewayData, 'outbox')) : []).toEqual([]);
  });

  test("a gateway that fails: the visitor is told in their language, and the number is not held for the code's lifetime", async () => {
    failing = true;
    const refused = await signUp('+31612345675');
    expect(refused.status).toBe(503);
    expect(refused.body).toContain(translate('nl')('marketing.errors.sendFailed'));
    failing = false;
    expect((await signUp('+31612345675')).status).toBe(303);
    expect(received.at(-1)?.body.to).toBe('+31612345675');
  });
});

/**
 * axe needs script in the page, so a JavaScript-off page is checked as the same URL with the same cookies in a
 * JavaScript-on context (the portal's pages have no script). A page that is the answer to a POST (an error beside a
 * field) is checked in the JavaScript-on run, which posts the same form.
 */
async function axeOn(context: BrowserContext, page: Page, javaScript: boolean): Promise<void> {
  let violations: Awaited<ReturnType<typeof axeViolations>>;
  if (javaScript) violations = await axeViolations(page);
  else {
    const twin = await session.newContext({ baseURL: portal.baseURL, storageState: await context.storageState() });
    const copy = await twin.newPage();
    await copy.goto(page.url());
    violations = await axeViolations(copy);
    await twin.close();
  }
  expect(violations, describeViolations(violations)).toEqual([]);
}

describe.skipIf(!hasBrowser).each([
  { javaScript: false, locale: 'el', number: '+306912345671' },
  { javaScript: true, locale: 'pl', number: '+48512345672' },
] as const)('with JavaScript $javaScript, in $locale', ({ javaScript, locale, number }) => {
  const t = translate(locale);

  test('an SMS sign-up is not confirmed until the code sent to the number is entered; a wrong or expired code is refused beside the field', async () => {
    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await page.goto(`/${locale}/consent`);
    await page.fill('#sms-phone', number);
    await page.check('#sms-agree');
    await page.locator('[data-channel="sms"] button[type="submit"]').click();
    await page.waitForURL(`**/${locale}/consent#marketing`);
    expect(await page.locator('[data-channel="sms"]').getAttribute('data-status')).toBe('pending');
    expect((await subscriptionOf(number))?.events.map((event) => event.event)).toEqual(['requested']);

    const sent = smsTo(number);
    expect(sent).toHaveLength(1);
    const sms = sent[0] ?? { file: '', text: '' };
    expect(statSync(sms.file).mode & 0o777).toBe(0o600);
    const code = codeIn(sms.text);
    expect(portal.output()).toContain(code);
    expect(portal.output()).not.toContain(number);
    await axeOn(context, page, javaScript);

    // A second sign-up for the same number while the code waits sends no second SMS.
    await sendRaw(portal.baseURL, 'POST', `/${locale}/consent?_action=marketing.signUp`, {
      from: source(),
      form: { channel: 'sms', phone: number, agree: 'on', locale },
    });
    expect(smsTo(number)).toHaveLength(1);

    const wrong = code === '000000' ? '111111' : '000000';
    await page.fill('#sms-code', wrong);
    await page.locator('[data-channel="sms"] [data-confirm-code] button[type="submit"]').click();
    expect(await page.locator('#sms-code-error').textContent()).toBe(t('marketing.errors.codeWrong'));
    expect(await page.locator('#sms-code').getAttribute('aria-describedby')).toBe('sms-code-error');
    expect(await page.locator('#sms-code').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-channel="sms"]').getAttribute('data-status')).toBe('pending');
    if (javaScript) await axeOn(context, page, javaScript);

    const subscriptionId = (await subscriptionOf(number))?.id;
    await database.sql.run('update marketing_subscriptions set confirm_expires_at = ? where id = ?', Date.now() - 1000, subscriptionId);
    await page.fill('#sms-code', code);
    await page.locator('[data-channel="sms"] [data-confirm-code] button[type="submit"]').click();
    expect(await page.locator('#sms-code-error').textContent()).toBe(t('marketing.errors.codeExpired'));
    expect((await subscriptionOf(number))?.events.map((event) => event.event)).toEqual(['requested']);
    await database.sql.run('update marketing_subscriptions set confirm_expires_at = ? where id = ?', Date.now() + 600_000, subscriptionId);

    await page.fill('#sms-code', code);
    await page.locator('[data-channel="sms"] [data-confirm-code] button[type="submit"]').click();
    await page.waitForURL(`**/${locale}/consent**#marketing`);
    expect(await page.locator('[data-channel="sms"]').getAttribute('data-status')).toBe('confirmed');
    expect((await subscriptionOf(number))?.events).toEqual([
      { event: 'requested', via: 'preferences' },
      { event: 'confirmed', via: 'confirmation-code' },
    ]);
    await context.close();
  });

  test('the unsubscribe link opens a page with a button; only the button withdraws', async () => {
    const address = `unsubscribe.button.${locale}@example.org`;
    await sendRaw(portal.baseURL, 'POST', `/${locale}/consent?_action=marketing.signUp`, {
      from: source(),
      form: { channel: 'email', email: address, agree: 'on', locale },
    });
    const mail = await waitForMessageTo(outboxDir, address);
    const unsubscribe = urlsIn(mail).find((url) => url.includes('/marketing/unsubscribe?token=')) ?? '';
    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await page.goto(unsubscribe);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('marketing.unsubscribe.title'));
    expect((await subscriptionOf(address))?.events.map((event) => event.event)).toEqual(['requested']);
    await axeOn(context, page, javaScript);
    await page.getByRole('button', { name: t('marketing.unsubscribe.button') }).click();
    expect(await page.getByRole('status').textContent()).toBe(t('marketing.unsubscribe.done'));
    expect((await subscriptionOf(address))?.events.at(-1)).toEqual({ event: 'withdrawn', via: 'unsubscribe-link' });
    await context.close();
  });
});

describe.skipIf(!hasBrowser)('a sign-up before any cookie choice', () => {
  test('belongs to a consent id: the visitor sees it on the consent page and withdraws it there', async () => {
    const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/bg/consent');
    const address = 'before.choice@example.bg';
    await page.fill('#email-email', address);
    await page.check('#email-agree');
    await page.locator('[data-channel="email"] button[type="submit"]').click();
    await page.waitForURL('**/bg/consent#marketing');
    const stored = await subscriptionOf(address);
    expect(stored?.consentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await page.locator('[data-channel="email"]').getAttribute('data-status')).toBe('pending');
    // No cookie decision was made, so none is recorded or claimed: the banner still asks.
    expect(await database.sql.row('select count(*) as count from consent_records where consent_id = ?', stored?.consentId)).toEqual({ count: 0 });

    await page
      .locator('[data-channel="email"]')
      .getByRole('button', { name: translate('bg')('marketing.withdraw') })
      .click();
    expect(await page.locator('[data-channel="email"]').getAttribute('data-status')).toBe('withdrawn');
    expect((await subscriptionOf(address))?.events.at(-1)).toEqual({ event: 'withdrawn', via: 'preferences' });

    // No cookie decision was claimed for the visitor: other pages still ask. A later choice continues the same id.
    await page.goto('/bg/');
    expect(await page.locator('[data-consent-banner]').count()).toBe(1);
    await page
      .locator('[data-consent-banner]')
      .getByRole('button', { name: translate('bg')('banner.rejectAll') })
      .click();
    await page.goto('/bg/consent');
    expect(await page.locator('[data-consent-id]').textContent()).toBe(stored?.consentId);
    await context.close();
  });
});
