import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Executor, Store } from '../../../db/store.ts';
import { newToken } from '../../../src/lib/marketing.ts';
import { createRequest, exportOf, findRequest, takeAction } from '../../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../../src/lib/requests.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from '../browser.ts';
import { waitForMessageTo } from '../mail.ts';
import { runScript, translate } from '../scripts.ts';
import { sharedPortalStore } from '../store.ts';

// Issue 13 through the DPO's pages: an erasure for Иван@пример.бг finds his earlier request under иван@пример.бг,
// deletes its export and anonymises it; the same erasure taken again (a second tab) is refused in the DPO's language.
const dataDir = inject('dataDir');
const dpoEmail = 'erasure.proof@ostria.example';
const password = 'Plovdiv, stariyat grad 2026';
let session: BrowserSession;
const portalStore = sharedPortalStore();
const { sql } = portalStore;
let db: Executor;
let store: Store;

beforeAll(async () => {
  const made = runScript('scripts/dpo-create-user.ts', ['--email', dpoEmail, '--locale', 'bg'], { DPO_PASSWORD: password });
  expect(made.status, made.stderr).toBe(0);
  db = portalStore.db();
  store = portalStore.store();
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => {
  await portalStore.close();
  await session?.close();
});

async function request(type: 'access' | 'erasure', email: string, statusToken = newToken()) {
  const now = Date.now();
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'bg',
    name: 'Иван Петров',
    email,
    declaration: true,
    ...(type === 'erasure' ? { scope: 'Всичко', grounds: 'Оттеглям съгласието си' } : {}),
  });
  const row = await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Sofia',
    statusTokenHashFor: () => statusToken.hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, row.reference, { action: 'verify', method: 'email-link' }, 'requester', now + 1)).ok).toBe(true);
  expect((await takeAction(store, row.reference, { action: 'start' }, `dpo:${dpoEmail}`, now + 2)).ok).toBe(true);
  return row;
}

describe.runIf(hasBrowser)('an erasure through the DPO pages', () => {
  test('finds the person under another capitalisation, leaves no export or details, and runs once', async () => {
    const earlier = await request('access', 'иван@пример.бг');
    expect(
      (
        await takeAction(
          store,
          earlier.reference,
          { action: 'complete', message: 'Готово', exportContent: async () => '{"email":"иван@пример.бг"}' },
          `dpo:${dpoEmail}`,
          Date.now(),
        )
      ).ok,
    ).toBe(true);
    const erasure = await request('erasure', 'Иван@пример.бг');
    const t = translate('bg');

    const context = await session.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto('/dpo/login');
    await page.fill('#email', dpoEmail);
    await page.fill('#password', password);
    await page.locator('form.login-form button[type="submit"]').click();
    await page.waitForURL('**/dpo');
    const review = `/dpo/requests/${erasure.reference}?erase=review#erase`;
    const second = await context.newPage();
    await page.goto(review);
    await second.goto(review);

    await page.getByRole('checkbox', { name: t('dpo.request.eraseConfirm') }).check();
    await page.getByRole('button', { name: t('dpo.request.eraseSubmit') }).click();
    await page.waitForURL('**?done=erase#result');
    expect(await exportOf(db, earlier.id)).toBeUndefined();
    expect(await findRequest(db, earlier.reference)).toMatchObject({
      name: 'anonymised',
      email: 'anonymised@retention.invalid',
      anonymisedAt: expect.any(Number),
    });

    await second.getByRole('checkbox', { name: t('dpo.request.eraseConfirm') }).check();
    const [response] = await Promise.all([
      second.waitForResponse((answer) => answer.request().method() === 'POST'),
      second.getByRole('button', { name: t('dpo.request.eraseSubmit') }).click(),
    ]);
    expect(response.status()).toBe(409);
    expect(await second.locator('[data-conflict]').textContent()).toBe(t('dpo.request.errors.alreadyErased'));
    const erasedEvents = await sql.value("select count(*) from request_events where request_id = ? and kind = 'erased'", erasure.id);
    expect(erasedEvents).toBe(1);

    // Answered, the erasure request keeps only what proves it; the answer still reached the address it came from.
    await page.fill('#field-message', 'Изтрихме всички ваши данни, г-н Петров.');
    await page.locator('form[data-action="complete"] button[type="submit"]').click();
    await page.waitForURL('**?done=complete#result');
    expect(await page.locator('[data-anonymised]').getAttribute('data-anonymised')).toBe('erasure');
    expect(await page.locator('[data-submitted-name]').textContent()).toBe(t('dpo.request.detail.redacted'));
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(await page.locator('main').textContent()).not.toMatch(/Иван|Петров|Всичко|Оттеглям/u);
    const answer = await waitForMessageTo(join(dataDir, 'outbox'), 'Иван@пример.бг');
    expect(answer.text).toContain('Изтрихме всички ваши данни, г-н Петров.');
    expect(await findRequest(db, erasure.reference)).toMatchObject({
      name: 'anonymised',
      email: 'anonymised@retention.invalid',
      scope: null,
      grounds: null,
      outcome: null,
    });

    // His earlier request says which erasure anonymised it.
    await page.goto(`/dpo/requests/${earlier.reference}`);
    expect(await page.locator('[data-anonymised]').textContent()).toContain(erasure.reference);
    await context.close();
  });

  test('the requester still opens the answered erasure request: its facts and a notice, none of his details', async () => {
    const token = newToken();
    const erasure = await request('erasure', 'maria@example.bg', token);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, `dpo:${dpoEmail}`, Date.now())).ok).toBe(true);
    expect((await takeAction(store, erasure.reference, { action: 'complete', message: 'Готово, Мария.' }, `dpo:${dpoEmail}`, Date.now())).ok).toBe(true);
    const t = translate('bg');
    for (const javaScriptEnabled of [false, true]) {
      const context = await session.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const response = await page.goto(`/bg/requests/${erasure.reference}?token=${token.token}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('[data-erased]').textContent()).toBe(t('requests.status.erasedNotice'));
      expect(await page.locator('[data-status]').textContent()).toBe(t('requests.status.statuses.completed'));
      expect(await page.locator('main').textContent()).not.toMatch(/Мария|Иван|anonymised|Всичко|Оттеглям/u);
      // axe runs as a script in the page, so only where scripts run; the markup is the same either way.
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        expect(violations, describeViolations(violations)).toEqual([]);
      }
      await context.close();
    }
  });
});
