import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { totpCode } from '../../src/lib/totp.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { runScript, translate } from './scripts.ts';

const password = 'Thessaloniki harbour 2026!';
let totpSecret = '';
let session: BrowserSession;

const createUser = (args: string[], env: Record<string, string> = {}) => runScript('scripts/dpo-create-user.ts', args, env);

beforeAll(async () => {
  expect(createUser(['--email', 'short@ostria.example'], { DPO_PASSWORD: 'too short' }).status).toBe(1);
  const made = createUser(['--email', 'Eleni.Papadaki@ostria.example', '--locale', 'pl', '--totp'], { DPO_PASSWORD: password });
  expect(made.status, made.stderr).toBe(0);
  totpSecret = /secret ([A-Z2-7]{32})/.exec(made.stdout)?.[1] ?? '';
  expect(totpSecret).not.toBe('');
  expect(createUser(['--email', 'eleni.papadaki@ostria.example'], { DPO_PASSWORD: password }).status).toBe(1);
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

describe('without a session', () => {
  test.each(['/dpo', '/dpo?status=open', '/dpo?q=DSR'])('%s redirects to the sign-in page', async (path) => {
    const response = await fetch(`${baseURL}${path}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/dpo/login?next=${encodeURIComponent(path)}`);
  });

  test.each(['/dpo/requests.json', '/dpo/requests.json?status=open', '/dpo/requests/DSR-2026-000000.json'])(
    '%s answers 401 and reveals nothing',
    async (path) => {
      const response = await fetch(`${baseURL}${path}`);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/DSR-|@/);
    },
  );

  test('a wrong password and an unknown account get the same answer', async () => {
    const attempt = async (email: string) => {
      const response = await fetch(`${baseURL}/dpo/login`, {
        method: 'POST',
        body: new URLSearchParams({ email, password: 'not the password', code: '' }),
        redirect: 'manual',
      });
      return { status: response.status, problem: /data-sign-in-problem="(\w+)"[^>]*>([^<]*)/.exec(await response.text())?.slice(1) };
    };
    const wrongPassword = await attempt('eleni.papadaki@ostria.example');
    const unknown = await attempt('nobody@ostria.example');
    expect(wrongPassword).toEqual(unknown);
    expect(wrongPassword.status).toBe(401);
  });

  test('a sign-in posted from another site is refused', async () => {
    const response = await fetch(`${baseURL}/dpo/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'eleni.papadaki@ostria.example', password }),
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe.skipIf(!hasBrowser)('the DPO signs in', () => {
  test('with password and code, sees a request a visitor just sent with its days left, filters, and signs out', async () => {
    const visitor = await fetch(`${baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'objection',
        locale: 'bg',
        name: 'Иван',
        email: 'ivan.dpo-test@example.bg',
        scope: 'Бюлетини',
        grounds: 'Директен маркетинг',
        declaration: true,
      }),
    });
    const { reference } = (await visitor.json()) as { reference: string };

    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/dpo');
    expect(new URL(page.url()).pathname).toBe('/dpo/login');
    const login = await session.newContext();
    const loginPage = await login.newPage();
    await loginPage.goto('/dpo/login');
    const loginViolations = await axeViolations(loginPage);
    expect(loginViolations, describeViolations(loginViolations)).toEqual([]);
    await login.close();

    await page.fill('#email', 'eleni.papadaki@ostria.example');
    await page.fill('#password', password);
    const code = totpCode(totpSecret, Math.floor(Date.now() / 30_000));
    await page.fill('#code', code);
    await page.locator('form.login-form button[type="submit"]').click();
    await page.waitForURL('**/dpo');
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'portal_dpo');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dpo' });

    const t = translate('pl');
    expect(await page.locator('html').getAttribute('lang')).toBe('pl');
    await page.goto(`/dpo?q=${reference}`);
    const row = page.locator(`[data-inbox] tr[data-reference="${reference}"]`);
    expect(await row.locator('[data-days-left]').textContent()).toContain(t('requests.status.daysLeft', { count: 30 }));
    expect(await row.locator('[data-status-cell]').textContent()).toBe(t('dpo.statuses.received'));

    await page.fill('#filter-q', '');
    await page.selectOption('#filter-type', 'access');
    await page.getByRole('button', { name: t('dpo.inbox.apply') }).click();
    expect(await page.locator(`tr[data-reference="${reference}"]`).count()).toBe(0);
    await page.goto(`/dpo?q=${reference.toLowerCase()}`);
    expect(await page.locator('[data-inbox] tbody tr').count()).toBe(1);
    await page.goto('/dpo?q=ivan.dpo-test@');
    expect(await page.locator('[data-inbox] tbody tr').count()).toBe(1);

    const json = await context.request.get('/dpo/requests.json?type=objection');
    expect(json.status()).toBe(200);
    const list = (await json.json()) as { requests: { reference: string; events: { actor: string }[] }[] };
    expect(list.requests.map((request) => request.reference)).toContain(reference);
    const single = await context.request.get(`/dpo/requests/${reference}.json`);
    expect(single.status()).toBe(200);
    expect(await single.json()).toMatchObject({
      reference,
      type: 'objection',
      requester: { email: 'ivan.dpo-test@example.bg' },
      events: [{ kind: 'received', actor: 'requester' }],
    });
    expect((await context.request.get('/dpo/requests/DSR-2026-000000.json')).status()).toBe(404);

    const twin = await session.newContext({ storageState: await context.storageState() });
    const twinPage = await twin.newPage();
    await twinPage.goto('/dpo');
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    await twin.close();

    // The same code cannot be used twice (the very code used above, even if a new 30-second step has begun since).
    const replay = await fetch(`${baseURL}/dpo/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'eleni.papadaki@ostria.example', password, code }),
      redirect: 'manual',
    });
    expect(replay.status).toBe(401);

    await page.getByRole('button', { name: t('dpo.nav.signOut') }).click();
    await page.waitForURL('**/dpo/login?signedOut=1');
    expect((await context.cookies()).find((candidate) => candidate.name === 'portal_dpo')).toBeUndefined();
    expect((await context.request.get('/dpo/requests.json')).status()).toBe(401);
    await context.close();
  });

  test('a tampered session cookie signs out', async () => {
    const context = await session.newContext({ javaScriptEnabled: false });
    await context.addCookies([
      { name: 'portal_dpo', value: 'A'.repeat(43), domain: new URL(baseURL).hostname, path: '/dpo', httpOnly: true, sameSite: 'Strict' },
    ]);
    const page = await context.newPage();
    await page.goto('/dpo');
    expect(new URL(page.url()).pathname).toBe('/dpo/login');
    expect((await context.cookies()).find((candidate) => candidate.name === 'portal_dpo')).toBeUndefined();
    await context.close();
  });
});
