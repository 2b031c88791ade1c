import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Executor, Store } from '../../db/store.ts';
import { addCalendarMonths, daysBetween, deadlineFor, dueDateFor, localDate } from '../../src/lib/deadline.ts';
import { formatCalendarDate } from '../../src/lib/i18n.ts';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { completeRequest } from '../../src/lib/request-completion.ts';
import { createRequest, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, requestTypes, type RequestType } from '../../src/lib/requests.ts';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';
import { outboxMessagesTo, waitForMessageTo } from './mail.ts';
import { sharedPortalStore } from './store.ts';

type Messages = {
  requests: {
    types: Record<RequestType, { name: string }>;
    form: { submit: string };
    errors: Record<string, string>;
    submitted: { title: string };
    status: { confirmButton: string; confirmed: string; alreadyConfirmed: string; statuses: Record<string, string>; events: Record<string, string> };
    email: { subject: string };
  };
  notFound: { title: string };
};
const messages = Object.fromEntries(
  locales.map((locale) => [locale, JSON.parse(readFileSync(join(import.meta.dirname, `../../locales/${locale}.json`), 'utf8'))]),
) as Record<Locale, Messages>;

const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../content/organisation.json'), 'utf8')));
const schemas = new Ajv2020({ strict: true });
addFormats.default(schemas);
for (const file of ['request.v1.json', 'subject-export.v1.json'])
  schemas.addSchema(JSON.parse(readFileSync(join(import.meta.dirname, '../../public/schemas', file), 'utf8')));
const validSubjectExport = schemas.getSchema('/schemas/subject-export.v1.json');
const validRequestDocument = schemas.getSchema('/schemas/request.v1.json');

const dataDir = inject('dataDir');
const outbox = join(dataDir, 'outbox');
const timeZone = 'Europe/Athens';
let session: BrowserSession;
const portalStore = sharedPortalStore();
const { sql } = portalStore;
let db: Executor;
let store: Store;

beforeAll(async () => {
  if (hasBrowser) session = await launchBrowser();
  db = portalStore.db();
  store = portalStore.store();
});
afterAll(async () => {
  await session?.close();
  await portalStore.close();
});

/** What a person types for each type: text with markup and non-Latin script, which must come back as typed. */
const typed: Record<RequestType, Record<string, string>> = {
  access: { details: 'Όλα τα δεδομένα από το 2024 <b>μέχρι σήμερα</b>' },
  rectification: { inaccurateData: 'ул. Витоша 1', correctData: 'ул. Витоша 12 & "вход Б"' },
  erasure: { scope: 'Mijn account en <script>alert(1)</script>', grounds: 'Ik trek mijn toestemming in.' },
  portability: { details: 'Skrzynka pocztowa: wszystkie wiadomości' },
  restriction: { details: 'Do czasu sprawdzenia poprawności danych.' },
  objection: { scope: 'Marketingowe wiadomości e-mail', grounds: 'Marketing bezpośredni.' },
};

/** Fills and sends the form for one type; returns the reference shown on the confirmation page. */
async function submitForm(page: Page, locale: Locale, type: RequestType, email: string): Promise<string> {
  await page.goto(`/${locale}/requests/new?type=${type}`);
  expect(await page.locator('[data-chosen-type]').getAttribute('data-chosen-type')).toBe(type);
  await page.fill('#field-name', 'Μαρία <i>Παπαδοπούλου</i>');
  await page.fill('#field-email', email);
  await page.fill('#field-customerReference', 'C-1042');
  for (const [field, value] of Object.entries(typed[type])) await page.fill(`#field-${field}`, value);
  await page.check('#field-declaration');
  await page.getByRole('button', { name: messages[locale].requests.form.submit }).click();
  await page.waitForURL(`**/${locale}/requests/submitted`);
  return (await page.locator('[data-reference]').textContent()) ?? '';
}

function linksIn(message: string, locale: Locale, reference: string) {
  // The plain-text part: links as sent, one per line.
  const status = new RegExp(`(http://[^\\s"<>]+/${locale}/requests/${reference}\\?token=[A-Za-z0-9_-]{43})(?![&\\w])`).exec(message)?.[1];
  const verify = new RegExp(`(http://[^\\s"<>]+/${locale}/requests/${reference}\\?token=[A-Za-z0-9_-]{43}&(?:amp;)?verify=[A-Za-z0-9_-]{43})`)
    .exec(message)?.[1]
    ?.replace('&amp;', '&');
  return { status, verify };
}

async function expectNoViolations(page: Page) {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** A request put straight into the portal's database, received `daysAgo` days ago, with its status-page token. */
async function requestReceivedDaysAgo(daysAgo: number, type: RequestType = 'access', locale: Locale = 'pl') {
  const token = newToken();
  const now = Date.now() - daysAgo * 24 * 3600_000;
  const submission = requestSubmissionSchema.parse({
    type,
    locale,
    name: 'Anna Nowak',
    email: `anna.${daysAgo}.${Math.random()}@example.pl`,
    declaration: true,
  });
  const request = await createRequest(store, { submission, now, timeZone, statusTokenHashFor: () => token.hash, verifyTokenHash: newToken().hash });
  return { request, url: `/${locale}/requests/${request.reference}?token=${token.token}` };
}

describe.skipIf(!hasBrowser)('a visitor makes a request', () => {
  describe.each(locales)('in %s', (locale) => {
    describe.each([false, true])('with JavaScript %s', (javaScriptEnabled) => {
      let context: BrowserContext;
      beforeAll(async () => {
        context = await session.newContext({ javaScriptEnabled });
      });
      afterAll(async () => context.close());

      test('each of the six types is sent, confirmed with its due date, and mailed in the same language', async () => {
        const page = await context.newPage();
        for (const type of requestTypes) {
          const email = `${type}.${locale}.${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
          const reference = await submitForm(page, locale, type, email);
          expect(reference).toMatch(/^DSR-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/);
          const stored = await findRequest(db, reference);
          expect(stored).toMatchObject({ type, locale, email, name: 'Μαρία <i>Παπαδοπούλου</i>', customerReference: 'C-1042', ...typed[type] });
          const dueOn = deadlineFor(stored?.receivedAt ?? 0, timeZone).dueOn;
          expect(await page.locator('[data-due]').textContent()).toBe(formatCalendarDate(dueOn, locale));

          const message = await waitForMessageTo(outbox, email);
          expect(message.subject).toBe(messages[locale].requests.email.subject.replace('{{reference}}', reference));
          for (const part of [message.text, message.html]) {
            expect(part).toContain(reference);
            expect(part).toContain(formatCalendarDate(dueOn, locale));
          }
          // The name is text in both parts: as typed in the plain text, escaped in the HTML, never markup.
          expect(message.text).toContain('Μαρία <i>Παπαδοπούλου</i>');
          expect(message.html).toContain('Μαρία &lt;i&gt;Παπαδοπούλου&lt;/i&gt;');
          expect(message.html).not.toContain('<i>');
        }
        await page.close();
      });
    });

    test('refreshing the confirmation page shows the same request and sends nothing twice', async () => {
      const context = await session.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const email = `refresh.${locale}@example.com`;
      const reference = await submitForm(page, locale, 'access', email);
      await page.reload();
      expect(await page.locator('[data-reference]').textContent()).toBe(reference);
      expect(await page.title()).toContain(messages[locale].requests.submitted.title);
      await expectNoViolations(
        await (await session.newContext({ storageState: await context.storageState() })).newPage().then(async (twin) => {
          await twin.goto(page.url());
          return twin;
        }),
      );
      expect(await sql.row('select count(*) as count from requests where email = ?', email)).toEqual({ count: 1 });
      expect(await outboxMessagesTo(outbox, email)).toHaveLength(1);
      await context.close();
    });

    test('errors appear beside each field in the page language, with what was typed kept', async () => {
      const context = await session.newContext();
      const page = await context.newPage();
      await page.goto(`/${locale}/requests/new?type=erasure`);
      await expectNoViolations(page);
      await page.fill('#field-name', 'Ελένη');
      await page.fill('#field-email', 'eleni@@example');
      await page.fill('#field-scope', 'Όλα <b>τα</b> δεδομένα');
      await page.getByRole('button', { name: messages[locale].requests.form.submit }).click();
      const errors = messages[locale].requests.errors;
      expect(await page.locator('#field-email-error').textContent()).toBe(errors.email);
      expect(await page.locator('#field-grounds-error').textContent()).toBe(errors.required);
      expect(await page.locator('#field-declaration-error').textContent()).toBe(errors.declaration);
      expect(await page.locator('#field-name-error').count()).toBe(0);
      expect(await page.locator('#field-email').inputValue()).toBe('eleni@@example');
      expect(await page.locator('#field-scope').inputValue()).toBe('Όλα <b>τα</b> δεδομένα');
      expect(await page.locator('#field-name').inputValue()).toBe('Ελένη');
      expect(await page.locator('#field-email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#field-email').getAttribute('aria-describedby')).toContain('field-email-error');
      expect(await page.locator('[data-error-summary] li').count()).toBe(3);
      await expectNoViolations(page);

      // A Cyrillic а among Latin letters (a keyboard in the wrong layout) gets its own explanation.
      await page.fill('#field-email', 'ivаn@abv.bg');
      await page.getByRole('button', { name: messages[locale].requests.form.submit }).click();
      expect(await page.locator('#field-email-error').textContent()).toBe(errors.emailScripts);
      expect(await page.locator('#field-email').inputValue()).toBe('ivаn@abv.bg');
      await context.close();
    });

    test('the link in the email verifies once; the status page needs its token', async () => {
      const context = await session.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const email = `verify.${locale}@example.com`;
      const reference = await submitForm(page, locale, 'access', email);
      const { status, verify } = linksIn((await waitForMessageTo(outbox, email)).text, locale, reference);
      expect(status).toBeDefined();
      expect(verify).toBeDefined();

      // Opening the link (as a mail scanner would) confirms nothing; the button does.
      await page.goto(verify ?? '');
      expect((await findRequest(db, reference))?.status).toBe('received');
      await page.getByRole('button', { name: messages[locale].requests.status.confirmButton }).click();
      expect(await page.getByRole('status').textContent()).toBe(messages[locale].requests.status.confirmed);
      expect(await page.locator('[data-status]').textContent()).toBe(messages[locale].requests.status.statuses.verified);
      expect(await page.locator('[data-timeline] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-event')))).toEqual([
        'received',
        'identity-verified',
      ]);
      expect((await findRequest(db, reference))?.status).toBe('verified');

      await page.goto(verify ?? '');
      expect(await page.getByRole('status').textContent()).toBe(messages[locale].requests.status.alreadyConfirmed);
      expect(await page.getByRole('button', { name: messages[locale].requests.status.confirmButton }).count()).toBe(0);

      const twin = await session.newContext();
      const twinPage = await twin.newPage();
      await twinPage.goto(status ?? '');
      expect(await twinPage.locator('[data-submitted-name]').textContent()).toBe('Μαρία <i>Παπαδοπούλου</i>');
      const single = await twin.request.get(`/api/requests/${reference}?token=${new URL(status ?? '').searchParams.get('token')}`);
      const document = await single.json();
      expect(validRequestDocument?.(document), JSON.stringify(validRequestDocument?.errors)).toBe(true);
      expect(document).toMatchObject({ reference, status: 'verified', requester: { email } });
      await expectNoViolations(twinPage);
      for (const url of [
        `/${locale}/requests/${reference}`,
        `/${locale}/requests/${reference}?token=`,
        `/${locale}/requests/${reference}?token=${'A'.repeat(43)}`,
      ]) {
        const response = await twinPage.goto(url);
        expect(response?.status()).toBe(404);
        expect(await twinPage.locator('h1').textContent()).toBe(messages[locale].notFound.title);
      }
      await twin.close();
      await context.close();
    });
  });

  test.each([
    // On the wire the domain travels in ASCII (IDNA), so any mail server takes it.
    ['bg', 'ivan.idn@пример.бг', 'ivan.idn@пример.бг', 'To: ivan.idn@xn--e1afmkfd.xn--90ae'],
    // A local part in Greek needs a server with SMTPUTF8 (RFC 6531); the header carries it in UTF-8.
    ['el', 'ελένη.idn@ΠΑΡΆΔΕΙΓΜΑ.ελ', 'ελένη.idn@παράδειγμα.ελ', 'To: ελένη.idn@παράδειγμα.ελ'],
  ] as const)(
    'an internationalised email address (%s: %s) is taken with JavaScript off and on, kept in Unicode, and mailed',
    async (locale, typedEmail, stored, toHeader) => {
      for (const javaScriptEnabled of [false, true]) {
        const context = await session.newContext({ javaScriptEnabled });
        const page = await context.newPage();
        const before = (await outboxMessagesTo(outbox, stored)).length;
        const reference = await submitForm(page, locale, 'access', typedEmail);
        expect((await findRequest(db, reference))?.email).toBe(stored);
        await expect.poll(async () => (await outboxMessagesTo(outbox, stored)).length).toBe(before + 1);
        const message = (await outboxMessagesTo(outbox, stored)).at(-1);
        expect(message?.subject).toContain(reference);
        expect(message?.headerBlock.split('\n')).toContain(toHeader);
        await context.close();
      }
    },
  );

  test('the consent id of the cookie choice made in this browser is filled in, and sent with the request', async () => {
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/el/requests/new?type=portability');
    expect(await page.locator('#field-consentId').inputValue()).toBe('');
    await page.locator('[data-consent-banner] [data-consent-action="reject-all"]').click();
    await page.goto('/el/consent');
    const consentId = (await page.locator('[data-consent-id]').textContent()) ?? '';
    await page.goto('/el/requests/new?type=portability');
    expect(await page.locator('#field-consentId').inputValue()).toBe(consentId);
    const reference = await submitForm(page, 'el', 'portability', 'prefill@example.com');
    expect(await findRequest(db, reference)).toMatchObject({ consentId, format: 'json' });
    await context.close();
  });

  test('the status page counts the days left with Polish plurals and shows the due date', async () => {
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [daysAgo, text] of [
      [29, '1 dzień'],
      [28, '2 dni'],
      [25, '5 dni'],
      [8, '22 dni'],
    ] as const) {
      const { request, url } = await requestReceivedDaysAgo(daysAgo);
      await page.goto(url);
      // The deadline is the earlier of 30 days and one month: shorter than 30 days for receipts in some months.
      const left = daysBetween(localDate(Date.now(), timeZone), request.dueOn);
      expect(await page.locator('[data-days-left]').textContent()).toContain(left === 30 - daysAgo ? text : `${left} ${left === 1 ? 'dzień' : 'dni'}`);
      expect(await page.locator('[data-due]').textContent()).toBe(formatCalendarDate(request.dueOn, 'pl'));
      expect(request.dueOn).toBe(dueDateFor(localDate(request.receivedAt, timeZone)));
    }
    const { request: late, url } = await requestReceivedDaysAgo(32);
    await page.goto(url);
    const overdue = daysBetween(late.dueOn, localDate(Date.now(), timeZone));
    expect(await page.locator('[data-days-left]').textContent()).toContain(`${overdue} ${overdue === 1 ? 'dzień' : 'dni'}`);
    expect(await page.locator('.deadline--late').count()).toBe(1);
    await context.close();
  });

  test('a first-time visitor can choose cookies and switch language on the status page and the form without losing their place', async () => {
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const { request, url } = await requestReceivedDaysAgo(3, 'access', 'el');
    await page.goto(url);
    // The banner is the first thing a visitor who opens the link on a new device sees; the choice returns to the page.
    await page.locator('[data-consent-banner] button[value="reject-all"]').click();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(url);
    expect(await page.locator('[data-consent-banner]').count()).toBe(0);
    const left = daysBetween(localDate(Date.now(), timeZone), request.dueOn);
    expect(await page.locator('[data-days-left]').textContent()).toContain(String(left));
    // The same status page in Polish, still opened by its token.
    await page.locator('.language-switcher a[hreflang="pl"]').click();
    expect(page.url()).toContain(`/pl/requests/${request.reference}?token=`);
    expect(await page.locator('[data-days-left]').textContent()).toContain(`${left} dni`);

    // On the form, the chosen type survives a cookie choice and a change of language.
    const fresh = await session.newContext({ javaScriptEnabled: false });
    const form = await fresh.newPage();
    await form.goto('/nl/requests/new?type=objection');
    await form.locator('[data-consent-banner] button[value="accept-all"]').click();
    expect(await form.locator('[data-chosen-type]').getAttribute('data-chosen-type')).toBe('objection');
    await form.locator('.language-switcher a[hreflang="bg"]').click();
    expect(new URL(form.url()).pathname).toBe('/bg/requests/new');
    expect(await form.locator('[data-chosen-type]').getAttribute('data-chosen-type')).toBe('objection');
    await fresh.close();
    await context.close();
  });

  test('an extension with its reason, and the export of a completed access request, reach the status page', async () => {
    const context = await session.newContext();
    const page = await context.newPage();
    const { request, url } = await requestReceivedDaysAgo(3, 'access', 'nl');
    const dpo = 'dpo:dpo@ostria.example';
    await takeAction(store, request.reference, { action: 'verify', method: 'customer-account' }, dpo, Date.now());
    await takeAction(store, request.reference, { action: 'extend', months: 1, reason: 'Veel <b>gegevens</b> in archieven', timeZone }, dpo, Date.now());
    await takeAction(store, request.reference, { action: 'start' }, dpo, Date.now());
    await completeRequest(store, {
      reference: request.reference,
      message: 'Uw gegevens staan in het bestand.',
      actor: dpo,
      now: Date.now(),
      organisation,
      portalOrigin: baseURL,
    });
    await page.goto(url);
    expect(await page.locator('[data-extension]').textContent()).toContain('Veel <b>gegevens</b> in archieven');
    expect(await page.locator('[data-extension]').textContent()).toContain(formatCalendarDate(addCalendarMonths(request.dueOn, 1), 'nl'));
    expect(await page.locator('[data-status]').textContent()).toBe(messages.nl.requests.status.statuses.completed);
    expect(await page.locator('[data-timeline] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-event')))).toEqual([
      'received',
      'identity-verified',
      'extended',
      'started',
      'completed',
    ]);
    await expectNoViolations(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export] a').click()]);
    const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8'));
    expect(validSubjectExport?.(exported), JSON.stringify(validSubjectExport?.errors)).toBe(true);
    expect(exported.subject.email).toBe(request.email);
    expect(exported.requests.map((entry: { reference: string }) => entry.reference)).toEqual([request.reference]);
    expect(await sql.row("select count(*) as count from request_events where request_id = ? and kind = 'exported'", request.id)).toEqual({ count: 1 });

    const expired = await requestReceivedDaysAgo(20, 'portability', 'nl');
    const tenDaysAgo = Date.now() - 10 * 24 * 3600_000;
    await takeAction(store, expired.request.reference, { action: 'verify', method: 'email-link' }, dpo, tenDaysAgo);
    await takeAction(store, expired.request.reference, { action: 'start' }, dpo, tenDaysAgo);
    await completeRequest(store, { reference: expired.request.reference, message: 'Klaar.', actor: dpo, now: tenDaysAgo, organisation, portalOrigin: baseURL });
    await page.goto(expired.url);
    expect(await page.locator('[data-export] a').count()).toBe(0);
    const token = new URL(expired.url, baseURL).searchParams.get('token');
    expect((await context.request.get(`/api/requests/${expired.request.reference}/export?token=${token}`)).status()).toBe(410);
    await context.close();
  });
});

describe('the request API', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseURL}/api/requests`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  const valid = { type: 'portability', locale: 'bg', name: 'Иван Петров', email: 'ivan.api@example.bg', declaration: true };

  test('answers 201 with the reference, the time received and the deadline, and nothing that opens the request', async () => {
    const response = await post(valid);
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['dueAt', 'receivedAt', 'reference']);
    const stored = await findRequest(db, body.reference ?? '');
    expect(stored).toMatchObject({ type: 'portability', format: 'json', locale: 'bg' });
    expect(body.dueAt).toBe(new Date(stored?.dueAt ?? 0).toISOString());
    expect(JSON.stringify(body)).not.toContain('token');
    const message = await waitForMessageTo(outbox, 'ivan.api@example.bg');
    expect(message.subject).toContain(body.reference);
  });

  test('explains every bad field in the request language, refuses oversized and malformed bodies', async () => {
    const invalid = await post({ type: 'rectification', locale: 'pl', name: '', email: 'nope', declaration: false, extra: 1 });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; fields: Record<string, { problem: string; message: string }> } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.fields.email?.message).toBe(messages.pl.requests.errors.email);
    expect(Object.keys(body.error.fields).sort()).toEqual(['correctData', 'declaration', 'email', 'extra', 'inaccurateData', 'name']);

    expect((await post({ ...valid, name: 'x'.repeat(201) })).status).toBe(400);
    expect((await post('{"type":')).status).toBe(400);
    for (const notAnObject of ['null', '[1,2]', '"text"', '42']) expect((await post(notAnObject)).status).toBe(400);
    expect((await post({ ...valid, details: 'λ'.repeat(40_000) })).status).toBe(413);
    expect((await post(JSON.stringify(valid), { 'Content-Type': 'text/plain' })).status).toBe(201);
  });

  test('the form refuses a post from another site', async () => {
    const response = await fetch(`${baseURL}/el/requests/new?_action=requests.submit`, {
      method: 'POST',
      body: new URLSearchParams({ type: 'erasure', locale: 'el', name: 'X', email: 'csrf@example.com', scope: 'all', grounds: 'x', declaration: 'on' }),
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(await sql.row('select count(*) as count from requests where email = ?', 'csrf@example.com')).toEqual({ count: 0 });
  });

  test('a flood for one email address is refused with a 429 in the visitor language, also on the form', async () => {
    const flood = { ...valid, locale: 'nl', email: 'flood@example.nl' };
    for (let index = 0; index < 5; index += 1) expect((await post(flood)).status).toBe(201);
    const refused = await post(flood);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      (messages.nl.requests.errors.tooMany ?? '').replace('{{dpoEmail}}', 'dpo@ostria.example'),
    );
    expect(await sql.row('select count(*) as count from requests where email = ?', 'flood@example.nl')).toEqual({ count: 5 });

    if (!hasBrowser) return;
    const context = await session.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/nl/requests/new?type=access');
    await page.fill('#field-name', 'Jan');
    await page.fill('#field-email', 'flood@example.nl');
    await page.check('#field-declaration');
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => candidate.request().method() === 'POST'),
      page.getByRole('button', { name: messages.nl.requests.form.submit }).click(),
    ]);
    expect(response.status()).toBe(429);
    expect(await page.locator('[data-too-many]').textContent()).toContain('dpo@ostria.example');
    expect(await page.locator('#field-email').inputValue()).toBe('flood@example.nl');
    await context.close();
  });
});
