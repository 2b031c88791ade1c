import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { readReceived, startTestSmtp, type TestSmtpServer } from './mail.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

let smtp: TestSmtpServer;
let portal: RunningPortal;
let session: BrowserSession;
let dataDir: string;
let database: TestStoreEnvironment;

beforeAll(async () => {
  smtp = await startTestSmtp();
  const port = smtp.port;
  dataDir = mkdtempSync(join(tmpdir(), 'portal-smtp-'));
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({ ...database.env, SMTP_URL: `smtp://127.0.0.1:${port}`, OUTBOX_DIR: join(dataDir, 'unused-outbox') });
  if (hasBrowser) session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await portal?.stop();
  await database?.drop();
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test.skipIf(!hasBrowser)('double opt-in by email through a real SMTP server, then one-click unsubscribe', async () => {
  const context = await session.browser.newContext({ baseURL: portal.baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/nl/consent');
  await page.getByRole('button', { name: 'Alles weigeren' }).first().click();
  await page.fill('#email-email', 'jan.de.vries@example.nl');
  await page.check('#email-agree');
  await page.locator('[data-channel="email"] button[type="submit"]').click();
  await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1);
  const mail = await readReceived(smtp.received[0] ?? '');
  const message = `${mail.headerBlock}\n\n${mail.text}\n\n${mail.html}`;

  expect(mail.to).toBe('jan.de.vries@example.nl');
  expect(message).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  const unsubscribe = /^List-Unsubscribe: <([^>]+)>/m.exec(message)?.[1] ?? '';
  expect(unsubscribe).toContain('/nl/marketing/unsubscribe?token=');
  expect(mail.html).toContain(`href="${unsubscribe}"`);
  expect(message).toContain('Afmelden met één klik');
  const confirm = /(http:\/\/127\.0\.0\.1:\d+\/nl\/marketing\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(message)?.[1];
  expect(confirm).toBeDefined();
  expect(portal.output()).not.toContain('jan.de.vries');

  expect(await page.locator('[data-channel="email"]').getAttribute('data-status')).toBe('pending');
  await page.goto(confirm ?? '');
  await page.getByRole('button').filter({ hasText: /./ }).first().click();
  expect(await page.getByRole('status').textContent()).toMatch(/bevestigd/i);
  await page.goto('/nl/consent#marketing');
  expect(await page.locator('[data-channel="email"]').getAttribute('data-status')).toBe('confirmed');

  const oneClick = await fetch(unsubscribe, {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(oneClick.status).toBe(200);
  await page.goto('/nl/consent');
  expect(await page.locator('[data-channel="email"]').getAttribute('data-status')).toBe('withdrawn');
  await context.close();
});
