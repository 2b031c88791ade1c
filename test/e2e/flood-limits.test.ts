// Flood limits count visitors, not connections: per address (an IPv6 visitor by its /64), per email address, and
// behind a reverse proxy by the address the trusted proxy saw. A refused submission writes nothing and sends nothing;
// the visitor is told in their language. Loopback source addresses (127.0.0.x) stand in for visitors.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasBrowser, launchBrowser } from './browser.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { sendRaw, type Answer } from './raw-http.ts';
import { translate } from './scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-floods-'));
const outboxDir = join(dataDir, 'outbox');
const proxy = '127.0.0.4';
let portal: RunningPortal;
let database: TestStoreEnvironment;

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: outboxDir,
    REQUESTS_PER_HOUR_PER_ADDRESS: '3',
    REQUESTS_PER_HOUR_PER_EMAIL: '2',
    TRUSTED_PROXIES: `${proxy}, 10.0.0.0/8`,
  });
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

let emailCounter = 0;
function submit(options: { from: string; forwardedFor?: string; email?: string; locale?: string }): Promise<Answer> {
  emailCounter += 1;
  const email = options.email ?? `visitor${emailCounter}@example.org`;
  return sendRaw(portal.baseURL, 'POST', '/api/requests', {
    from: options.from,
    headers: options.forwardedFor === undefined ? {} : { 'X-Forwarded-For': options.forwardedFor },
    json: { type: 'access', locale: options.locale ?? 'pl', name: 'Ewa Nowak', email, declaration: true },
  });
}

async function statuses(count: number, options: Parameters<typeof submit>[0]): Promise<number[]> {
  const answers: number[] = [];
  for (let index = 0; index < count; index += 1) answers.push((await submit(options)).status);
  return answers;
}

const storedRequests = () => database.sql.value<number>('select count(*) from requests');

const mailSent = () => (existsSync(outboxDir) ? readdirSync(outboxDir).length : 0);

describe('flood limits', () => {
  test('per address: the fourth request within the hour is refused in the request language, with nothing written or sent', async () => {
    expect(await statuses(3, { from: '127.0.0.2' })).toEqual([201, 201, 201]);
    const [rows, mail] = [await storedRequests(), mailSent()];
    const refused = await submit({ from: '127.0.0.2', locale: 'el' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect((JSON.parse(refused.body) as { error: { message: string } }).error.message).toBe(
      translate('el')('requests.errors.tooMany', { dpoEmail: 'dpo@ostria.example' }),
    );
    expect([await storedRequests(), mailSent()]).toEqual([rows, mail]);
    // Another visitor is not held up.
    expect((await submit({ from: '127.0.0.3' })).status).toBe(201);
  });

  test('without a trusted proxy in front, X-Forwarded-For changes nothing: anyone can write it', async () => {
    expect(await statuses(3, { from: '127.0.0.5', forwardedFor: '203.0.113.50' })).toEqual([201, 201, 201]);
    expect((await submit({ from: '127.0.0.5', forwardedFor: '203.0.113.51' })).status).toBe(429);
  });

  test('per email address: a third request for one person is refused from any address', async () => {
    const email = 'Maria.Papadopoulou@Example.GR';
    expect((await submit({ from: '127.0.0.6', email })).status).toBe(201);
    expect((await submit({ from: '127.0.0.7', email: email.toLowerCase() })).status).toBe(201);
    expect((await submit({ from: '127.0.0.8', email })).status).toBe(429);
  });

  test('behind the trusted proxy each visitor has their own limit, by the address the proxy saw', async () => {
    expect(await statuses(3, { from: proxy, forwardedFor: '203.0.113.7' })).toEqual([201, 201, 201]);
    expect((await submit({ from: proxy, forwardedFor: '203.0.113.7' })).status).toBe(429);
    // A client cannot escape its limit by writing its own X-Forwarded-For: the proxy appends what it saw.
    expect((await submit({ from: proxy, forwardedFor: '198.51.100.99, 203.0.113.7' })).status).toBe(429);
    // Through a second trusted hop (a load balancer in 10.0.0.0/8) it is still the same visitor.
    expect((await submit({ from: proxy, forwardedFor: '203.0.113.7, 10.1.2.3' })).status).toBe(429);
    // Other visitors behind the same proxy are served.
    expect((await submit({ from: proxy, forwardedFor: '203.0.113.8' })).status).toBe(201);
    expect((await submit({ from: proxy, forwardedFor: '2001:db8:aa:1::1' })).status).toBe(201);
  });

  test('an IPv6 visitor is counted by their /64: new addresses in the same network do not reset the limit', async () => {
    const network = '2001:db8:77:5';
    expect([
      (await submit({ from: proxy, forwardedFor: `${network}::1` })).status,
      (await submit({ from: proxy, forwardedFor: `${network}::2` })).status,
      (await submit({ from: proxy, forwardedFor: `${network}:ffff:ffff:ffff:3` })).status,
      (await submit({ from: proxy, forwardedFor: `${network}::4` })).status,
    ]).toEqual([201, 201, 201, 429]);
    expect((await submit({ from: proxy, forwardedFor: '2001:db8:77:6::1' })).status).toBe(201);
  });

  test.skipIf(!hasBrowser)('on the form without JavaScript, the refusal is in the page language and what was typed is kept', async () => {
    // The browser connects from 127.0.0.1; use up that address's limit first.
    await statuses(3, { from: '127.0.0.1' });
    const rows = await storedRequests();
    const session = await launchBrowser();
    try {
      const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto('/el/requests/new?type=erasure');
      await page.fill('#field-name', 'Ελένη Οικονόμου');
      await page.fill('#field-email', 'eleni@example.gr');
      await page.fill('#field-scope', 'Όλα τα δεδομένα μου');
      await page.fill('#field-grounds', 'Ανακαλώ τη συγκατάθεσή μου');
      await page.check('#field-declaration');
      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.request().method() === 'POST'),
        page.getByRole('button', { name: translate('el')('requests.form.submit') }).click(),
      ]);
      expect(response.status()).toBe(429);
      expect(await page.locator('[data-too-many]').textContent()).toBe(translate('el')('requests.errors.tooMany', { dpoEmail: 'dpo@ostria.example' }));
      expect(await page.locator('#field-name').inputValue()).toBe('Ελένη Οικονόμου');
      expect(await page.locator('#field-grounds').inputValue()).toBe('Ανακαλώ τη συγκατάθεσή μου');
      expect(await page.locator('#field-declaration').isChecked()).toBe(true);
      expect(await storedRequests()).toBe(rows);
      await context.close();
    } finally {
      await session.close();
    }
  });
});
