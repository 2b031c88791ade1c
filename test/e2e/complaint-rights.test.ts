// Issue 16: a rejected request and one whose deadline passed unanswered tell the requester where to complain (the
// supervisory authority of their country, as their language tells it, and our lead one, with contact details) and
// that they can go to court; the rejection mail says the same. JavaScript off, Polish and Bulgarian requesters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Store } from '../../db/store.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { waitForMessageTo } from './mail.ts';
import { translate } from './scripts.ts';
import { sharedPortalStore } from './store.ts';

const outbox = join(inject('dataDir'), 'outbox');
const organisation = organisationSchema.parse(JSON.parse(readFileSync('content/organisation.json', 'utf8')));
const authority = (country: string) => organisation.supervisoryAuthorities.find((candidate) => candidate.country === country);
const portalStore = sharedPortalStore();
let store: Store;
let session: BrowserSession;
beforeAll(async () => {
  store = portalStore.store();
  if (hasBrowser) session = await launchBrowser();
});
afterAll(async () => {
  await session?.close();
  await portalStore.close();
});

/** A request with a status link we know, received `daysAgo` days ago. */
async function received(locale: 'pl' | 'bg', daysAgo: number, email: string) {
  const token = newToken();
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({ type: 'access', locale, name: 'Anna Nowak', email, declaration: true }),
    now: Date.now() - daysAgo * 86_400_000,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => token.hash,
    verifyTokenHash: newToken().hash,
  });
  return { request, url: `/${locale}/requests/${request.reference}?token=${token.token}` };
}

describe.skipIf(!hasBrowser)('where to complain', () => {
  test('a rejected request, in Polish: the Polish authority and the lead Greek one with their details, the courts, and the same in the mail', async () => {
    const t = translate('pl');
    const email = `complaint-${Date.now()}@example.pl`;
    const { request, url } = await received('pl', 1, email);
    // The DPO rejects it through the page, as they would.
    const account = createDpoAccount(`complaint-dpo-${Date.now()}@ostria.example`, 'nl');
    const cookie = sessionCookie(await signInDpo(baseURL, account));
    const rejected = await fetch(`${baseURL}/dpo/requests/${request.reference}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'reject', rejectReason: 'Nie możemy potwierdzić tożsamości.' }),
      headers: { Cookie: cookie, Origin: baseURL },
      redirect: 'manual',
    });
    expect(rejected.status).toBe(303);

    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    const section = page.locator('[data-complaint="rejected"]');
    expect(await section.locator('h2').textContent()).toBe(t('requests.complaint.title'));
    expect(await section.locator('[data-authority]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-authority')))).toEqual(['PL', 'GR']);
    const polish = section.locator('[data-authority="PL"]');
    expect(await polish.locator('h3').textContent()).toContain(`${t('package.authority.yours')}: ${authority('PL')?.name}`);
    expect(await polish.locator(`a[href="tel:${authority('PL')?.phone.replace(/\s/g, '')}"]`).count()).toBe(1);
    expect(await section.locator('[data-authority="GR"] h3').textContent()).toContain(t('package.authority.lead'));
    expect(await section.textContent()).toContain(t('requests.complaint.court'));

    const twin = await session.newContext({ storageState: await context.storageState() });
    const twinPage = await twin.newPage();
    await twinPage.goto(url);
    const violations = await axeViolations(twinPage);
    expect(violations, describeViolations(violations)).toEqual([]);
    if (process.env.SHOTS) await twinPage.screenshot({ path: '.shots/complaint-rejected-pl.png', fullPage: true });
    await twin.close();

    // The rejection mail (the only one: this request was made behind the form) names the same ways out.
    const mail = await waitForMessageTo(outbox, email);
    expect(mail.text).toContain(`${t('package.authority.yours')}: ${authority('PL')?.name} (${authority('PL')?.abbreviation})`);
    expect(mail.text).toContain(`${t('package.authority.phone')}: ${authority('PL')?.phone}`);
    expect(mail.text).toContain(`${t('package.authority.lead')}: ${authority('GR')?.name}`);
    expect(mail.text).toContain(t('requests.complaint.court'));
    await context.close();
  });

  test('a request past its deadline, unanswered, in Bulgarian: the Bulgarian authority and the lead one', async () => {
    const t = translate('bg');
    const { request, url } = await received('bg', 40, `late-${Date.now()}@example.bg`);
    await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', request.receivedAt + 1000);
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    const section = page.locator('[data-complaint="overdue"]');
    expect(await section.locator('p').first().textContent()).toBe(t('requests.complaint.introOverdue'));
    expect(await section.locator('[data-authority]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-authority')))).toEqual(['BG', 'GR']);
    expect(await section.locator('[data-authority="BG"] h3 [lang="bg"]').textContent()).toBe(authority('BG')?.name);
    await context.close();

    // Not before the deadline: a fresh request has no such part.
    const fresh = await received('bg', 1, `fresh-${Date.now()}@example.bg`);
    const freshContext = await session.newContext({ javaScriptEnabled: false });
    const freshPage = await freshContext.newPage();
    await freshPage.goto(fresh.url);
    expect(await freshPage.locator('[data-complaint]').count()).toBe(0);
    await freshContext.close();
  });
});
