// Who a subject is, which cookies the portal believes, and what stays internal (issue 12, the subject boundary).
// Every case is sent as an attacker would: raw HTTP, ids copied from elsewhere, cookies written by hand. Each is
// judged by what the victim would lose: the export the attacker downloads, the rows an erasure leaves, the bytes of a
// page. The victim Vera chose cookies on the portal (consent id C), signed up for email and SMS marketing with that
// browser and sent her own access request from it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDpoAccount, sessionCookie, signInDpo } from '../dpo-account.ts';
import { waitForMessageTo } from '../mail.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw, type Answer } from '../raw-http.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-attacks-subject-'));
const outboxDir = join(dataDir, 'outbox');
let portal: RunningPortal;
let database: TestStoreEnvironment;
let dpoCookie = '';
const dpoEmail = 'dpo.subject-attacks@ostria.example';

interface Browser {
  /** The `portal_consent=…` pair the portal set. */
  cookie: string;
  consentId: string;
}

interface Victim {
  email: string;
  phone: string;
  name: string;
  reference: string;
  browser: Browser;
}
let victim: Victim;

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: outboxDir,
    REQUESTS_PER_HOUR_PER_ADDRESS: '10000',
    REQUESTS_PER_HOUR_PER_EMAIL: '100',
  });
  const account = createDpoAccount(dpoEmail, 'nl', { env: { ...database.env, OUTBOX_DIR: outboxDir } });
  dpoCookie = sessionCookie(await signInDpo(portal.baseURL, account));
  expect(dpoCookie).not.toBe('');

  victim = await newVictim('vera', '+31612340001');
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

// --- What the attacker sends -----------------------------------------------------------------------------------

function send(method: string, path: string, options: { cookie?: string; form?: Record<string, string>; json?: unknown } = {}): Promise<Answer> {
  return sendRaw(portal.baseURL, method, path, {
    headers: options.cookie ? { Cookie: options.cookie } : {},
    ...(options.form ? { form: options.form } : {}),
    ...(options.json !== undefined ? { json: options.json } : {}),
  });
}

/** The value of a cookie the answer sets. */
function setCookie(answer: Answer, name: string): string | undefined {
  const line = (answer.headers['set-cookie'] ?? []).find((candidate) => candidate.startsWith(`${name}=`));
  return line?.split(';')[0]?.slice(name.length + 1);
}

/** A browser's cookie choice on the portal's preferences page: the consent cookie the portal sets for it. */
async function chooseCookies(decision: 'accept-all' | 'reject-all', cookie?: string): Promise<Browser> {
  const answer = await send('POST', '/nl/consent?_action=consent.saveCookies', {
    ...(cookie ? { cookie } : {}),
    form: { decision, locale: 'nl', returnTo: '/nl/' },
  });
  expect(answer.status).toBe(303);
  const value = setCookie(answer, 'portal_consent') ?? '';
  expect(value).toMatch(/^[A-Za-z0-9_-]{22}\./);
  return { cookie: `portal_consent=${value}`, consentId: value.slice(0, 22) };
}

async function signUp(cookie: string, fields: Record<string, string>): Promise<void> {
  const answer = await send('POST', '/nl/consent?_action=marketing.signUp', { cookie, form: { ...fields, agree: 'on', locale: 'nl' } });
  expect(answer.status).toBe(303);
}

/** A consent cookie written by hand: the format is public, the consent id copied from somewhere. */
async function forgedConsentCookie(consentId: string): Promise<string> {
  const config = JSON.parse((await send('GET', '/api/consent/config?site=portal&lang=nl')).body) as { revision: string };
  return `portal_consent=${consentId}.${config.revision}.111.${Math.floor(Date.now() / 1000) + 86_400}`;
}

/** Sends the request form as a browser without JavaScript does; the answer sets the receipt cookie. */
async function submitForm(fields: Record<string, string>, cookie?: string): Promise<Answer> {
  const answer = await send('POST', '/nl/requests/new?_action=requests.submit', {
    ...(cookie ? { cookie } : {}),
    form: { locale: 'nl', declaration: 'on', ...fields },
  });
  expect(answer.status).toBe(303);
  return answer;
}

async function submitApi(fields: Record<string, unknown>, cookie?: string): Promise<string> {
  const answer = await send('POST', '/api/requests', { ...(cookie ? { cookie } : {}), json: { locale: 'nl', declaration: true, ...fields } });
  expect(answer.status, answer.body).toBe(201);
  return (JSON.parse(answer.body) as { reference: string }).reference;
}

/**
 * A victim of her own for each attack that could destroy what the next one looks for: her cookie choice on the
 * portal (two decisions under her consent id), her email and SMS marketing consents made with that browser, and her
 * own access request sent from it.
 */
async function newVictim(name: string, phone: string): Promise<Victim> {
  const email = `${name}.victim@example.nl`;
  const browser = await chooseCookies('accept-all');
  await chooseCookies('reject-all', browser.cookie);
  await signUp(browser.cookie, { channel: 'email', email });
  await signUp(browser.cookie, { channel: 'sms', phone });
  const fullName = `${name[0]?.toUpperCase()}${name.slice(1)} Visser`;
  await submitForm({ type: 'access', name: fullName, email, consentId: browser.consentId }, browser.cookie);
  expect(await consentRecordCount(browser.consentId)).toBe(2);
  return { email, phone, name: fullName, reference: await newestReferenceOf(email), browser };
}

// --- What the DPO does -----------------------------------------------------------------------------------------

async function dpoAct(reference: string, form: Record<string, string>): Promise<Answer> {
  return send('POST', `/dpo/requests/${reference}`, { cookie: dpoCookie, form });
}

async function startWork(reference: string): Promise<void> {
  expect((await dpoAct(reference, { action: 'verify', method: 'customer-account' })).status).toBe(303);
  expect((await dpoAct(reference, { action: 'start' })).status).toBe(303);
}

async function complete(reference: string): Promise<void> {
  expect((await dpoAct(reference, { action: 'complete', message: 'Hierbij uw gegevens.' })).status).toBe(303);
}

// --- What the requester receives -------------------------------------------------------------------------------

/** The status-page token from the first email the requester received. */
async function statusToken(email: string, reference: string): Promise<string> {
  const message = await waitForMessageTo(outboxDir, email);
  const token = new RegExp(`/requests/${reference}\\?token=([A-Za-z0-9_-]{43})`).exec(message.text)?.[1];
  if (!token) throw new Error(`no status link for ${reference} in the mail to ${email}`);
  return token;
}

interface Exported {
  subject: { email: string; consentIds: string[] };
  requests: { reference: string; requester: { email: string }; linkedBy?: string }[];
  consentRecords: { consentId: string; linkedBy?: string }[];
  marketing: { channel: string; address: string; linkedBy?: string }[];
}

/**
 * The package as the requester downloads it from their status page: its data.json, and as `text` everything a reader
 * of the package sees (the JSON and the readable document), which must hold nothing of anyone else.
 */
async function downloadExport(email: string, reference: string): Promise<{ text: string; document: Exported }> {
  const answer = await fetch(`${portal.baseURL}/api/requests/${reference}/export?token=${await statusToken(email, reference)}`);
  expect(answer.status).toBe(200);
  const entries = unzipSync(new Uint8Array(await answer.arrayBuffer()));
  const data = strFromU8(entries['data.json'] ?? new Uint8Array());
  return { text: `${data}\n${strFromU8(entries['index.html'] ?? new Uint8Array())}`, document: JSON.parse(data) as Exported };
}

/** Nothing of the victim in a document: not her address, number, consent id, request, or name. */
function expectNothingOf(someone: Victim, text: string): void {
  for (const trace of [someone.email, someone.phone, someone.browser.consentId, someone.reference, someone.name]) expect(text).not.toContain(trace);
}

// --- What the database holds -----------------------------------------------------------------------------------

function query<T>(sql: string, ...parameters: unknown[]): Promise<T[]> {
  return database.sql.rows<T>(sql, ...parameters);
}

async function newestReferenceOf(email: string): Promise<string> {
  return (await query<{ reference: string }>('select reference from requests where email = ? order by id desc limit 1', email))[0]?.reference ?? '';
}

async function consentRecordCount(consentId: string): Promise<number> {
  return (await query<{ n: number }>('select count(*) as n from consent_records where consent_id = ? and erased_at is null', consentId))[0]?.n ?? 0;
}

async function linkedBy(reference: string): Promise<string | null | undefined> {
  return (await query<{ linkedBy: string | null }>('select consent_id_linked_by as "linkedBy" from requests where reference = ?', reference))[0]?.linkedBy;
}

function subscriptionsOf(someone: Victim) {
  return query<{ id: number; channel: string; address: string; consentId: string | null; erasedAt: number | null }>(
    'select id, channel, address, consent_id as "consentId", erased_at as "erasedAt" from marketing_subscriptions where consent_id = ? or address in (?, ?) order by id',
    someone.browser.consentId,
    someone.email,
    someone.phone,
  );
}

// --- The attacks -----------------------------------------------------------------------------------------------

describe('a consent id named in a request', () => {
  test('typed into the API, it pulls none of the victim’s requests, marketing consents or consent records into the attacker’s export', async () => {
    const attacker = 'adam.api@attacker.example';
    const reference = await submitApi({ type: 'access', name: 'Adam Aanvaller', email: attacker, consentId: victim.browser.consentId });
    expect(await linkedBy(reference)).toBeNull();
    await startWork(reference);
    await complete(reference);
    const { text, document } = await downloadExport(attacker, reference);
    expect(document.subject).toMatchObject({ email: attacker, consentIds: [] });
    expect(document.consentRecords).toEqual([]);
    expect(document.marketing).toEqual([]);
    expect(document.requests.map((request) => request.reference)).toEqual([reference]);
    // Their own request names the id they typed; nothing else of the victim is there.
    expectNothingOf(victim, text.replaceAll(`"consentId": "${victim.browser.consentId}"`, ''));
  });

  test('typed into the form with a forged portal_consent cookie carrying it, it pulls nothing either', async () => {
    const attacker = 'adam.form@attacker.example';
    const forged = await forgedConsentCookie(victim.browser.consentId);
    await submitForm({ type: 'access', name: 'Adam Aanvaller', email: attacker, consentId: victim.browser.consentId }, forged);
    const reference = await newestReferenceOf(attacker);
    expect(await linkedBy(reference)).toBeNull();
    await startWork(reference);
    await complete(reference);
    const { text, document } = await downloadExport(attacker, reference);
    expect(document.consentRecords).toEqual([]);
    expect(document.marketing).toEqual([]);
    expectNothingOf(victim, text.replaceAll(`"consentId": "${victim.browser.consentId}"`, ''));
  });

  test('an erasure naming it (API, or the form with a forged cookie) leaves the victim’s consent records and marketing consents untouched', async () => {
    const erin = await newVictim('erin', '+31612340003');
    const before = { records: await consentRecordCount(erin.browser.consentId), subscriptions: await subscriptionsOf(erin) };
    expect(before.subscriptions.map((row) => [row.channel, row.address])).toEqual([
      ['email', erin.email],
      ['sms', erin.phone],
    ]);
    const byApi = await submitApi({
      type: 'erasure',
      name: 'Adam Aanvaller',
      email: 'adam.erase@attacker.example',
      consentId: erin.browser.consentId,
      scope: 'Alles',
      grounds: 'Ik trek mijn toestemming in.',
    });
    const forged = await forgedConsentCookie(erin.browser.consentId);
    await submitForm(
      {
        type: 'erasure',
        name: 'Adam Aanvaller',
        email: 'adam.erase2@attacker.example',
        consentId: erin.browser.consentId,
        scope: 'Alles',
        grounds: 'Ik trek mijn toestemming in.',
      },
      forged,
    );
    const byForm = await newestReferenceOf('adam.erase2@attacker.example');
    for (const reference of [byApi, byForm]) {
      await startWork(reference);
      // The DPO's review names nothing of the victim's.
      const review = await send('GET', `/dpo/requests/${reference}?erase=review`, { cookie: dpoCookie });
      expect(review.status).toBe(200);
      expect(review.body).not.toContain(erin.email);
      expect(review.body).not.toContain(erin.phone);
      expect((await dpoAct(reference, { action: 'erase', confirm: 'yes' })).status).toBe(303);
    }
    expect(await consentRecordCount(erin.browser.consentId)).toBe(before.records);
    expect(await subscriptionsOf(erin)).toEqual(before.subscriptions);
  });

  test('sent from the browser that holds it (form or API), it links that browser’s consent records, each marked as linked by consent id', async () => {
    const wim = { email: 'wim.honest@example.nl', phone: '+31612340002' };
    const browser = await chooseCookies('accept-all');
    await signUp(browser.cookie, { channel: 'email', email: wim.email });
    await signUp(browser.cookie, { channel: 'sms', phone: wim.phone });
    await submitForm({ type: 'access', name: 'Wim de Wit', email: wim.email, consentId: browser.consentId }, browser.cookie);
    const reference = await newestReferenceOf(wim.email);
    expect(await linkedBy(reference)).toBe('browser');
    // The API, called from that same browser (its cookie goes along), proves it the same way; a typed other id does not.
    const viaApi = await submitApi(
      { type: 'objection', name: 'Wim de Wit', email: wim.email, consentId: browser.consentId, scope: 'Nieuwsbrief', grounds: 'Direct marketing' },
      browser.cookie,
    );
    expect(await linkedBy(viaApi)).toBe('browser');
    const otherId = await submitApi(
      { type: 'objection', name: 'Wim de Wit', email: 'wim.other@example.nl', consentId: victim.browser.consentId, scope: 'x', grounds: 'y' },
      browser.cookie,
    );
    expect(await linkedBy(otherId)).toBeNull();

    await startWork(reference);
    await complete(reference);
    const { text, document } = await downloadExport(wim.email, reference);
    expect(document.subject).toMatchObject({ email: wim.email, consentIds: [browser.consentId] });
    expect(document.consentRecords).toHaveLength(await consentRecordCount(browser.consentId));
    expect(document.consentRecords.every((record) => record.consentId === browser.consentId && record.linkedBy === 'consentId')).toBe(true);
    expect(document.marketing.map((entry) => [entry.channel, entry.address, entry.linkedBy])).toEqual([
      ['email', wim.email, 'address'],
      ['sms', wim.phone, 'consentId'],
    ]);
    expect(document.requests.map((request) => [request.reference, request.linkedBy])).toEqual([
      [reference, 'address'],
      [viaApi, 'address'],
    ]);
    expectNothingOf(victim, text);
  });

  test('a typed id links nothing until the DPO checks it and links it on the request page: the trail says who, then its records join', async () => {
    const ursula = 'ursula.two-browsers@example.nl';
    // Her other browser, on her phone: she copied its consent id from the preferences page.
    const phone = await chooseCookies('accept-all');
    const reference = await submitApi({ type: 'access', name: 'Ursula Uyl', email: ursula, consentId: phone.consentId });
    expect(await linkedBy(reference)).toBeNull();
    await startWork(reference);
    const page = await send('GET', `/dpo/requests/${reference}`, { cookie: dpoCookie });
    expect(page.body).toContain('data-consent-proof="none"');
    expect(page.body).toContain('data-action="link"');

    // Without the DPO's confirmation nothing is linked.
    expect((await dpoAct(reference, { action: 'link' })).status).toBe(400);
    expect(await linkedBy(reference)).toBeNull();
    expect((await dpoAct(reference, { action: 'link', checked: 'yes', linkNote: 'Ontvangstbewijs vergeleken (intern-7391)' })).status).toBe(303);
    expect(await linkedBy(reference)).toBe('dpo');
    const events = await query<{ kind: string; actor: string; detail: string }>(
      'select kind, actor, detail from request_events where request_id = (select id from requests where reference = ?) order by id',
      reference,
    );
    expect(events.at(-1)).toMatchObject({ kind: 'consent-id-linked', actor: `dpo:${dpoEmail}` });
    expect(JSON.parse(events.at(-1)?.detail ?? '{}')).toMatchObject({ consentId: phone.consentId });
    const after = await send('GET', `/dpo/requests/${reference}`, { cookie: dpoCookie });
    expect(after.body).toContain('data-consent-proof="dpo"');
    expect(after.body).not.toContain('data-action="link"');
    // Linking twice is refused: there is nothing left to link.
    expect((await dpoAct(reference, { action: 'link', checked: 'yes' })).status).toBe(409);

    await complete(reference);
    const { text, document } = await downloadExport(ursula, reference);
    expect(document.subject.consentIds).toEqual([phone.consentId]);
    expect(document.consentRecords).toHaveLength(1);
    expect(document.consentRecords[0]).toMatchObject({ consentId: phone.consentId, linkedBy: 'consentId' });
    expect(text).not.toContain('intern-7391');
  });
});

describe('the submitted-request cookie', () => {
  const submittedPage = (cookie: string) => send('GET', '/nl/requests/submitted', { cookie });
  const expectNothingShown = (answer: Answer) => {
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).not.toContain('data-request-receipt');
    expect(answer.body).not.toContain(victim.email);
    expect(answer.body).not.toContain(victim.reference);
  };

  test('an unsigned portal_request naming someone else’s reference shows none of their data', async () => {
    expectNothingShown(await submittedPage(`portal_request=${victim.reference}.1`));
    expectNothingShown(await submittedPage(`portal_request=${victim.reference}.0`));
  });

  test('the attacker’s own signed cookie with the reference swapped for the victim’s shows nothing', async () => {
    const answer = await submitForm({ type: 'access', name: 'Adam Aanvaller', email: 'adam.receipt@attacker.example' });
    const own = setCookie(answer, 'portal_request') ?? '';
    const ownReference = await newestReferenceOf('adam.receipt@attacker.example');
    expect(own).toContain(ownReference);
    expectNothingShown(await submittedPage(`portal_request=${own.replace(ownReference, victim.reference)}`));
  });

  test('a bad signature shows nothing; the cookie the portal set still shows its requester their own receipt', async () => {
    const later = Math.floor(Date.now() / 1000) + 3600;
    expectNothingShown(await submittedPage(`portal_request=${victim.reference}.1.${later}.${'A'.repeat(43)}`));
    const answer = await submitForm({ type: 'access', name: 'Adam Aanvaller', email: 'adam.own@attacker.example' });
    const own = await submittedPage(`portal_request=${setCookie(answer, 'portal_request') ?? ''}`);
    expect(own.body).toContain('data-request-receipt');
    expect(own.body).toContain('adam.own@attacker.example');
  });
});

describe('a forged portal_consent cookie', () => {
  let fenna: Victim;
  beforeAll(async () => {
    fenna = await newVictim('fenna', '+31612340004');
  });

  test('the cookie the portal set still shows its own browser the history, the marketing consents and the prefilled form', async () => {
    const preferences = await send('GET', '/nl/consent', { cookie: fenna.browser.cookie });
    expect(preferences.body).toContain(fenna.browser.consentId);
    expect(preferences.body).toContain(fenna.email);
    const form = await send('GET', '/nl/requests/new?type=access', { cookie: fenna.browser.cookie });
    expect(form.body).toContain(`value="${fenna.browser.consentId}"`);
  });

  test('carrying her consent id, it shows neither her consent history nor her marketing addresses, and does not prefill the request form', async () => {
    const forged = await forgedConsentCookie(fenna.browser.consentId);
    const preferences = await send('GET', '/nl/consent', { cookie: forged });
    expect(preferences.status).toBe(200);
    expect(preferences.body).not.toContain(fenna.email);
    expect(preferences.body).not.toContain(fenna.phone);
    expect(preferences.body).not.toContain(fenna.browser.consentId);
    const form = await send('GET', '/nl/requests/new?type=access', { cookie: forged });
    expect(form.body).not.toContain(fenna.browser.consentId);
  });

  test('it cannot withdraw her marketing consents', async () => {
    const forged = await forgedConsentCookie(fenna.browser.consentId);
    const subscriptions = await subscriptionsOf(fenna);
    expect(subscriptions).toHaveLength(2);
    for (const subscription of subscriptions) {
      await send('POST', '/nl/consent?_action=marketing.withdraw', { cookie: forged, form: { subscription: String(subscription.id), locale: 'nl' } });
    }
    const withdrawn = await query<{ n: number }>(
      "select count(*) as n from marketing_events where event = 'withdrawn' and subscription_id in (select id from marketing_subscriptions where consent_id = ?)",
      fenna.browser.consentId,
    );
    expect(withdrawn[0]?.n).toBe(0);
  });
});

describe('internal DPO notes', () => {
  test('the verification note and the DPO’s notes reach neither the status page, the request JSON nor the export; the DPO still reads them', async () => {
    const nina = 'nina.notes@example.nl';
    const reference = await submitApi({ type: 'access', name: 'Nina Noot', email: nina });
    const verifyNote = 'Paspoort gezien, nummer NLX-VERIFY-4471';
    const note = 'Intern: beller klonk anders, NOTE-8812';
    expect((await dpoAct(reference, { action: 'verify', method: 'identity-document', verifyNote })).status).toBe(303);
    expect((await dpoAct(reference, { action: 'note', text: note })).status).toBe(303);
    expect((await dpoAct(reference, { action: 'start' })).status).toBe(303);
    await complete(reference);

    const token = await statusToken(nina, reference);
    const statusPage = await send('GET', `/nl/requests/${reference}?token=${token}`);
    const json = await send('GET', `/api/requests/${reference}?token=${token}`);
    const { text: exported } = await downloadExport(nina, reference);
    expect(statusPage.status).toBe(200);
    expect(json.status).toBe(200);
    for (const [name, body] of [
      ['status page', statusPage.body],
      ['request JSON', json.body],
      ['export', exported],
    ] as const) {
      expect(body, name).not.toContain('NLX-VERIFY-4471');
      expect(body, name).not.toContain('NOTE-8812');
      expect(body, name).not.toContain(dpoEmail);
    }
    // The requester still sees how they were verified.
    expect(JSON.parse(json.body)).toMatchObject({
      events: expect.arrayContaining([expect.objectContaining({ kind: 'identity-verified', actor: 'dpo', detail: { method: 'identity-document' } })]),
    });

    const forDpo = await send('GET', `/dpo/requests/${reference}.json`, { cookie: dpoCookie });
    expect(forDpo.body).toContain('NLX-VERIFY-4471');
    expect(forDpo.body).toContain('NOTE-8812');
  });
});
