import type { Page } from 'playwright-core';

// What a DPO does in the browser again and again in the tests of requests and their tasks, as plain form posts, so
// each works with JavaScript off.

/** Signs in on the sign-in page (the page must belong to a context whose baseURL is the portal). */
export async function signInOnPage(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/dpo/login');
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL('**/dpo');
}

/** On the request's page: the identity verified by the customer account, then work started (its tasks planned). */
export async function verifyAndStart(page: Page, reference: string): Promise<void> {
  await page.goto(`/dpo/requests/${reference}`);
  await page.locator('form[data-action="verify"] select').selectOption('customer-account');
  await page.locator('form[data-action="verify"] button').click();
  await page.waitForURL('**?done=verify#result');
  await page.locator('form[data-action="start"] button').click();
  await page.waitForURL('**?done=start#result');
}

/** The tasks' statuses by system, as the request page shows them after a reload (read from the HTML). */
export async function reloadedTaskStatuses(page: Page): Promise<Record<string, string | null>> {
  await page.reload();
  const cards = await page.locator('[data-tasks] [data-task]').all();
  return Object.fromEntries(
    await Promise.all(cards.map(async (card) => [await card.getAttribute('data-system'), await card.getAttribute('data-task-status')])),
  );
}
