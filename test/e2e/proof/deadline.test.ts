import type { RequestRow } from '../../../db/rows.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Executor, Store } from '../../../db/store.ts';
import { localDate } from '../../../src/lib/deadline.ts';
import { formatCalendarDate, formatDateUntil } from '../../../src/lib/i18n.ts';
import { newToken } from '../../../src/lib/marketing.ts';
import { createRequest, findRequest } from '../../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../../src/lib/requests.ts';
import { baseURL } from '../browser.ts';
import { createDpoAccount, sessionCookie, signInDpo } from '../dpo-account.ts';
import { outboxMessagesTo } from '../mail.ts';
import { translate } from '../scripts.ts';
import { sharedPortalStore } from '../store.ts';

/**
 * Issue 13, the deadline as a DPO and a requester meet it: an extension after the first deadline is refused in the
 * DPO's language and the requester is told nothing; the request stays overdue, and once answered stays late on the
 * request page, in the inbox filter and in both JSON documents; an extension in time is by months, mailed with its date.
 */
const dataDir = inject('dataDir');
const outbox = join(dataDir, 'outbox');
const timeZone = 'Europe/Athens';
const day = 24 * 3600_000;
const bg = translate('bg');
const portalStore = sharedPortalStore();
let db: Executor;
let store: Store;
let cookie: string;

beforeAll(async () => {
  const account = createDpoAccount('deadline.dpo@ostria.example', 'bg');
  cookie = sessionCookie(await signInDpo(baseURL, account));
  expect(cookie).not.toBe('');
  db = portalStore.db();
  store = portalStore.store();
});
afterAll(() => portalStore.close());

/** A date `months` calendar months later, or that month's last day (written here, not taken from the code under test). */
function monthsLater(date: string, months: number): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1 + months, Math.min(dayOfMonth, last))).toISOString().slice(0, 10);
}

async function receivedDaysAgo(daysAgo: number, email: string): Promise<{ request: RequestRow; token: string }> {
  const token = newToken();
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna Nowak', email, declaration: true });
  const request = await createRequest(store, {
    submission,
    now: Date.now() - daysAgo * day,
    timeZone,
    statusTokenHashFor: () => token.hash,
    verifyTokenHash: newToken().hash,
  });
  return { request, token: token.token };
}

function act(reference: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${baseURL}/dpo/requests/${reference}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}

const get = (path: string) => fetch(`${baseURL}${path}`, { headers: { Cookie: cookie } });
const references = async (path: string) => [...(await (await get(path)).text()).matchAll(/data-reference="(DSR-[^"]+)"/g)].map((match) => match[1]);

describe('a request past its first deadline', () => {
  test('cannot be extended any more: 409 with the reason in the DPO’s language, nothing changes, nobody is mailed', async () => {
    const email = 'anna.too-late@example.pl';
    const { request } = await receivedDaysAgo(40, email);
    // `days` rides along so that the code before issue 13 (extensions by 1–60 days) shows what it did with this.
    const refused = await act(request.reference, { action: 'extend', months: '2', days: '30', extendReason: 'Dużo archiwów' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(bg('dpo.request.errors.tooLate'));
    expect(await findRequest(db, request.reference)).toMatchObject({ dueOn: request.dueOn, dueAt: request.dueAt, extensionDays: null, extensionReason: null });
    expect(await outboxMessagesTo(outbox, email)).toEqual([]);
    expect(await references('/dpo?due=overdue')).toContain(request.reference);
    // The request page no longer offers the form, and says why.
    const page = await (await get(`/dpo/requests/${request.reference}`)).text();
    expect(page).toContain(bg('dpo.request.errors.tooLate'));
    expect(page).not.toContain('data-action="extend"');
  });

  test('answered late, it stays late on its page, in the inbox filter and in both JSON documents', async () => {
    const { request, token } = await receivedDaysAgo(35, 'anna.answered-late@example.pl');
    expect((await act(request.reference, { action: 'verify', method: 'customer-account' })).status).toBe(303);
    expect((await act(request.reference, { action: 'start' })).status).toBe(303);
    expect((await act(request.reference, { action: 'complete', message: 'Odpowiedź' })).status).toBe(303);
    expect((await findRequest(db, request.reference))?.status).toBe('completed');

    const page = await (await get(`/dpo/requests/${request.reference}`)).text();
    expect(page).toContain(`data-late>${bg('deadline.answeredLate')}</p>`);
    expect(await references('/dpo?due=late')).toContain(request.reference);
    expect(await references('/dpo?due=overdue')).not.toContain(request.reference);
    expect(((await (await get(`/dpo/requests/${request.reference}.json`)).json()) as { late: boolean }).late).toBe(true);
    const forRequester = await fetch(`${baseURL}/api/requests/${request.reference}?token=${token}`);
    expect(((await forRequester.json()) as { late: boolean }).late).toBe(true);
    const statusPage = await (await fetch(`${baseURL}/pl/requests/${request.reference}?token=${token}`)).text();
    expect(statusPage).toContain(`data-late>${translate('pl')('deadline.answeredLate')}</p>`);
  });
});

describe('an extension in time', () => {
  test('is by calendar months from the first deadline, and the requester is mailed the new date', async () => {
    const email = 'anna.in-time@example.pl';
    const { request, token } = await receivedDaysAgo(3, email);
    expect((await act(request.reference, { action: 'extend', months: '2', extendReason: 'Dużo archiwów' })).status).toBe(303);
    const newDue = monthsLater(request.dueOn, 2);
    expect(await findRequest(db, request.reference)).toMatchObject({ dueOn: newDue });
    await expect.poll(async () => (await outboxMessagesTo(outbox, email)).length).toBe(1);
    const [mail] = await outboxMessagesTo(outbox, email);
    expect(mail?.text).toContain(formatCalendarDate(newDue, 'pl'));
    expect(mail?.text).toContain('Dużo archiwów');
    const statusPage = await (await fetch(`${baseURL}/pl/requests/${request.reference}?token=${token}`)).text();
    expect(statusPage).toContain(translate('pl')('deadline.extensionMonthsText', { count: 2, date: formatDateUntil(newDue, 'pl') }));
    expect(localDate((await findRequest(db, request.reference))!.dueAt, timeZone)).toBe(newDue);
  });
});

describe('the texts', () => {
  test('the request form and the home page promise the same rule in each language', async () => {
    for (const locale of ['el', 'bg', 'nl', 'pl'] as const) {
      const promise = translate(locale)('deadline.promise.earlier');
      for (const path of [`/${locale}/requests/new`, `/${locale}`]) {
        const html = await (await fetch(`${baseURL}${path}`)).text();
        expect(html, path).toContain(promise.replace(/&/g, '&amp;'));
        expect(html, path).not.toContain('{{deadline}}');
      }
    }
  });
});
