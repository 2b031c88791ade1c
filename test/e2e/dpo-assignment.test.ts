// Issue 16: the request page starts with what the requester sent; a DPO assigns a request to themselves or a
// colleague (or to nobody), which the inbox shows and filters by and the trail records. JavaScript off for a Dutch
// DPO, on for a Greek one.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo, type DpoAccount } from './dpo-account.ts';
import { translate } from './scripts.ts';

let session: BrowserSession;
const tag = randomUUID().slice(0, 8);
const colleague = `colleague-${tag}@ostria.example`;
beforeAll(async () => {
  createDpoAccount(colleague, 'pl');
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => session?.close());

async function signedIn(account: DpoAccount, javaScriptEnabled: boolean): Promise<Page> {
  const [name, value] = sessionCookie(await signInDpo(baseURL, account)).split('=');
  const context = await session.newContext({ javaScriptEnabled });
  await context.addCookies([{ name: name ?? '', value: value ?? '', url: baseURL, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe.skipIf(!hasBrowser)('assigning a request', () => {
  test.each([
    ['nl', false],
    ['el', true],
  ] as const)('a %s DPO (JavaScript on: %s) takes a request, hands it to a colleague, and gives it back to nobody', async (locale, javaScriptEnabled) => {
    const t = translate(locale);
    const email = `assign-${locale}-${tag}@ostria.example`;
    const account = createDpoAccount(email, locale);
    const answer = await fetch(`${baseURL}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'erasure',
        locale: 'pl',
        name: `Anna Nowak ${tag}`,
        email: `anna-${locale}-${tag}@example.pl`,
        scope: 'Wszystko',
        grounds: 'Nie jestem już klientką.',
        declaration: true,
      }),
    });
    const { reference } = (await answer.json()) as { reference: string };
    const page = await signedIn(account, javaScriptEnabled);
    await page.goto(`/dpo/requests/${reference}`);

    // What the requester sent comes first: before the tasks and the actions.
    const order = await page.locator('main h2').evaluateAll((headings) => headings.map((heading) => heading.id));
    expect(order.indexOf('submitted-title')).toBeLessThan(order.indexOf('tasks-title'));
    expect(order.indexOf('tasks-title')).toBeLessThan(order.indexOf('actions-title'));
    expect(await page.locator('[data-type]').first().textContent()).toBe(t('dpo.types.erasure'));

    const form = page.locator('[data-assignment] form');
    expect(await form.locator('select option:checked').textContent()).toBe(t('dpo.inbox.unassigned'));
    await form.locator('select').selectOption({ label: t('dpo.request.assignMe', { email }) });
    await form.locator('button[type="submit"]').click();
    await page.waitForURL('**?assigned=1#assignment');
    expect(await page.locator('[data-assigned-done]').textContent()).toBe(t('dpo.request.assignDone'));
    expect(await page.locator('[data-assignment] select option:checked').textContent()).toBe(t('dpo.request.assignMe', { email }));
    if (javaScriptEnabled) {
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    }
    if (process.env.SHOTS) await page.screenshot({ path: `.shots/assignment-${locale}.png`, fullPage: true });

    await page.goto('/dpo?assigned=me');
    const row = page.locator(`[data-inbox] tr[data-reference="${reference}"]`);
    expect(await row.locator('[data-assignee]').textContent()).toBe(email);
    expect(await page.locator('#filter-assigned option:checked').textContent()).toBe(t('dpo.inbox.assignedToMe'));

    await page.goto(`/dpo/requests/${reference}`);
    await page.locator('[data-assignment] select').selectOption({ label: colleague });
    await page.locator('[data-assignment] button[type="submit"]').click();
    await page.waitForURL('**?assigned=1#assignment');
    await page.goto('/dpo?assigned=me');
    expect(await page.locator(`[data-inbox] tr[data-reference="${reference}"]`).count()).toBe(0);

    await page.goto(`/dpo/requests/${reference}`);
    await page.locator('[data-assignment] select').selectOption('nobody');
    await page.locator('[data-assignment] button[type="submit"]').click();
    await page.waitForURL('**?assigned=1#assignment');
    const trail = await page.locator('[data-trail] tbody tr[data-event="assigned"]').evaluateAll((rows) => rows.map((tr) => tr.textContent ?? ''));
    expect(trail).toHaveLength(3);
    expect(trail[0]).toContain(t('dpo.request.detail.assignedTo', { email }));
    expect(trail[1]).toContain(t('dpo.request.detail.assignedTo', { email: colleague }));
    expect(trail[2]).toContain(t('dpo.request.detail.unassigned'));
    await page.goto(`/dpo?assigned=nobody&q=${reference}`);
    expect(await page.locator(`[data-inbox] tr[data-reference="${reference}"]`).count()).toBe(1);

    // A forged post naming an account that does not exist changes nothing.
    const forged = await page.context().request.post(`/dpo/requests/${reference}/assign`, {
      form: { assignee: '999999' },
      headers: { Origin: baseURL },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(303);
    expect(forged.headers().location).toContain('assignProblem=account');
    await page.context().close();
  });
});
