// Issue 16, the inbox that shows who and what: the requester's name, language and assignee beside type, status and
// days left; a search by name (any case, accents left out), reference in any case and customer reference; request
// types named as a DPO names them; at 390 px the days left and the status stay in view without sideways scrolling.
// With JavaScript off and on, for a Dutch and a Greek DPO.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo, type DpoAccount } from './dpo-account.ts';
import { translate } from './scripts.ts';

let session: BrowserSession;

/** axe needs scripts: with JavaScript off, the same page is checked in a twin context that has them. */
async function violationsOf(page: Page, width: number) {
  const twin = await session.newContext({ storageState: await page.context().storageState(), viewport: { width, height: 844 } });
  const twinPage = await twin.newPage();
  await twinPage.goto(page.url());
  const found = await axeViolations(twinPage);
  await twin.close();
  return found;
}
const accounts: Record<'nl' | 'el', DpoAccount> = {} as Record<'nl' | 'el', DpoAccount>;
const tag = randomUUID().slice(0, 8);
const customer = `OST-${tag.toUpperCase()}`;
let eleni = '';
let lech = '';

async function send(body: Record<string, unknown>): Promise<string> {
  const answer = await fetch(`${baseURL}/api/requests`, { method: 'POST', body: JSON.stringify({ declaration: true, ...body }) });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { reference: string }).reference;
}

beforeAll(async () => {
  accounts.nl = createDpoAccount(`inbox-nl-${tag}@ostria.example`, 'nl');
  accounts.el = createDpoAccount(`inbox-el-${tag}@ostria.example`, 'el');
  eleni = await send({ type: 'access', locale: 'el', name: `Ελένη Γεωργίου ${tag}`, email: `eleni-${tag}@example.gr`, customerReference: customer });
  lech = await send({
    type: 'erasure',
    locale: 'pl',
    name: `Lech Wałęsa ${tag}`,
    email: `lech-${tag}@example.pl`,
    scope: 'all',
    grounds: 'Nie jestem już klientem.',
  });
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

describe.skipIf(!hasBrowser)('the DPO inbox shows who and what', () => {
  test.each([
    ['nl', false],
    ['el', true],
  ] as const)(
    'for a %s DPO (JavaScript on: %s): names, languages, DPO type names; search by name, reference and customer number',
    async (locale, javaScriptEnabled) => {
      const t = translate(locale);
      const context = await session.newContext({ javaScriptEnabled });
      const signedIn = await signInDpo(baseURL, accounts[locale]);
      const [name, value] = sessionCookie(signedIn).split('=');
      await context.addCookies([{ name: name ?? '', value: value ?? '', url: baseURL, httpOnly: true, sameSite: 'Strict' }]);
      const page = await context.newPage();

      // Accents, letter case and the final sigma left out, as a DPO types in a hurry.
      await page.goto('/dpo');
      await page.fill('#filter-q', `ελενη γεωργιου ${tag}`);
      await page.getByRole('button', { name: t('dpo.inbox.apply') }).click();
      await page.waitForURL(/q=/);
      const row = page.locator(`[data-inbox] tr[data-reference="${eleni}"]`);
      expect(await page.locator('[data-inbox] tbody tr').count()).toBe(1);
      expect(await row.locator('[data-requester]').textContent()).toBe(`Ελένη Γεωργίου ${tag}`);
      expect(await row.locator('[data-type]').textContent()).toBe(t('dpo.types.access'));
      expect(await row.locator('[data-language]').textContent()).toBe(new Intl.DisplayNames([locale], { type: 'language' }).of('el'));
      expect(await row.locator('[data-assignee]').textContent()).toBe(t('dpo.inbox.unassigned'));
      expect(await row.locator('[data-status-cell]').textContent()).toBe(t('dpo.statuses.received'));

      for (const [q, expected] of [
        [`WALESA ${tag}`, lech],
        [lech.toLowerCase(), lech],
        [customer.toLowerCase(), eleni],
      ] as const) {
        await page.goto(`/dpo?q=${encodeURIComponent(q)}`);
        expect(await page.locator('[data-inbox] tbody tr').evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-reference')))).toEqual([expected]);
      }
      await page.goto(`/dpo?type=erasure&q=${tag}`);
      expect(await page.locator('#filter-type option:checked').textContent()).toBe(t('dpo.types.erasure'));
      expect(await page.locator('[data-inbox] tbody tr').count()).toBe(1);

      await page.goto(`/dpo?q=${tag}`);
      const wide = javaScriptEnabled ? await axeViolations(page) : await violationsOf(page, 1280);
      expect(wide, describeViolations(wide)).toEqual([]);
      if (process.env.SHOTS) await page.screenshot({ path: `.shots/inbox-${locale}-1280.png`, fullPage: true });

      // A phone: who and what under the reference, days left and status in view, nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const scroller = page.locator('.table-scroll');
      expect(await scroller.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      for (const cell of ['[data-days-left-cell]', '[data-status-cell]']) {
        const box = await row.locator(cell).boundingBox();
        expect(box, cell).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
      }
      expect(await row.locator('[data-narrow-summary]').isVisible()).toBe(true);
      expect(await row.locator('[data-narrow-summary]').textContent()).toBe(`Ελένη Γεωργίου ${tag} · ${t('dpo.types.access')}`);
      expect(await row.locator('[data-requester]').isVisible()).toBe(false);
      const narrow = javaScriptEnabled ? await axeViolations(page) : await violationsOf(page, 390);
      expect(narrow, describeViolations(narrow)).toEqual([]);
      if (process.env.SHOTS) await page.screenshot({ path: `.shots/inbox-${locale}-390.png`, fullPage: true });
      await context.close();
    },
  );
});
