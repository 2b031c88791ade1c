import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../content/systems.json' with { type: 'json' };
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };
import { requestFiles } from '../../db/tables.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildCatalog } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';
import { completeRequest } from '../../src/lib/request-completion.ts';
import { createRequest, exportOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { planTasks, taskChannels, type CollectedTable } from '../../src/lib/systems/tasks.ts';
import { claimDueTasks, markTaskNotApplicable, recordAttempt, tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

// Issue 15: the package's data.json keeps the promise its schema makes, on both stores; portability adds a CSV per table.
const organisation = organisationSchema.parse(organisationSource);
const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const catalogue = buildCatalog(readPolicyTexts(join(import.meta.dirname, '../../content/policies')));
const messages = { el, bg, nl, pl };
const translatorFor = (locale: Locale) => createTranslator(locale, messages[locale]);
const portalOrigin = 'https://privacy.ostria.example';

const schemaDir = join(import.meta.dirname, '../../public/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const file of ['request.v1.json', 'subject-export.v2.json']) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')));
const validPackageData = ajv.getSchema('/schemas/subject-export.v2.json');

const dpo = 'dpo:eleni@ostria.example';
const received = Date.parse('2026-12-03T09:00:00Z');
const startedAt = received + 3_600_000;
const completedAt = received + 86_400_000;
const consentId = 'kkkkkkkkkkkkkkkkkkkkkk';
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** What the customer database and the login history answered for Katarzyna. */
const collected: Record<string, CollectedTable[]> = {
  'customer-database': [
    {
      name: 'customers',
      label: { el: 'Λογαριασμός πελάτη', bg: 'Клиентски акаунт', nl: 'Klantaccount', pl: 'Konto klienta' },
      columns: ['customer_ref', 'full_name', 'email', 'phone', 'country'],
      rows: [['C-1042', 'Katarzyna Wiśniewska', 'kasia@example.pl', '+48125550461', 'PL']],
    },
    {
      name: 'invoices',
      label: { el: 'Τιμολόγια', bg: 'Фактури', nl: 'Facturen', pl: 'Faktury' },
      columns: ['number', 'issued_on', 'amount_eur', 'status'],
      rows: [
        ['INV-2026-0311', '2026-03-01', 12.4, 'paid'],
        ['INV-2026-0412', '2026-04-01', 12.4, null],
      ],
    },
    {
      name: 'support-tickets',
      label: { el: 'Αιτήματα υποστήριξης', bg: 'Заявки към поддръжката', nl: 'Supportverzoeken', pl: 'Zgłoszenia do pomocy technicznej' },
      columns: ['opened_on', 'subject', 'body'],
      rows: [['2026-05-02', '=HYPERLINK("http://evil.example")', 'Skrzynka, "kasia@", nie działa\n<script>alert(1)</script>']],
    },
    // An empty table is left out: the person never sees a table with nothing in it.
    { name: 'mailboxes', label: null, columns: ['address'], rows: [] },
  ],
  'login-history': [
    { name: 'logins', label: null, columns: ['at', 'ip', 'details'], rows: [['2026-11-30T08:00:00Z', '192.0.2.1', { country: 'PL', ok: true }]] },
  ],
};

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

/** An access or portability request from Katarzyna's own browser, worked by the DPO with every system's task closed and a file attached. */
async function answeredRequest(type: 'access' | 'portability') {
  await appendConsentRecord(store, consentDecision(consentId, received - 86_400_000, true, { locale: 'pl' }));
  await recordSignup(store, {
    channel: 'email',
    address: 'kasia@example.pl',
    locale: 'pl',
    consentId,
    policyVersion: 3,
    wording: 'Chcę otrzymywać wiadomości o nowych usługach.',
    confirmTokenHash: newToken().hash,
    now: received - 3_600_000,
  });
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'pl',
    name: 'Katarzyna Wiśniewska',
    email: 'kasia@example.pl',
    customerReference: 'C-1042',
    phone: '+48 12 555 04 61',
    consentId,
    details: 'Wszystko, co macie.',
    declaration: true,
  });
  const request = await createRequest(store, {
    submission,
    now: received,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received + 1000)).ok).toBe(true);
  const planned = planTasks(type, systems, organisation.processors);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-03' } }, dpo, startedAt)).ok).toBe(true);
  for (const task of await claimDueTasks(store, startedAt + 1000, 60_000, 20, taskChannels)) {
    const tables = collected[task.system];
    if (!tables) continue;
    const outcome = { kind: 'done' as const, result: { kind: 'collected' as const, tables, collectedAt: startedAt + 1000 } };
    expect(await recordAttempt(store, { task, outcome, now: startedAt + 1000, facts: {}, retryDelayMs: undefined })).toBe(true);
  }
  const manual = (await tasksOf(store.db, request.id)).find((task) => task.status !== 'done');
  expect(manual).toBeDefined();
  expect(await markTaskNotApplicable(store, manual?.id ?? 0, 'Brak umów papierowych', dpo, startedAt + 2000)).toBeDefined();
  await store.transaction(async (tx) => {
    await tx.insert(requestFiles).values({
      requestId: request.id,
      taskId: null,
      origin: 'dpo',
      name: 'umowa 2024/03.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      contentBase64: pdf.toString('base64'),
      createdAt: startedAt + 3000,
    });
  });
  const completion = await completeRequest(store, {
    reference: request.reference,
    message: 'W załączniku Twoje dane.',
    actor: dpo,
    now: completedAt,
    organisation,
    portalOrigin,
    packageSources: { systems, catalogue, translatorFor },
  });
  expect(completion.ok).toBe(true);
  const stored = await exportOf(store.db, request.id);
  expect(stored?.packageBase64).toBeTruthy();
  const zip = unzipSync(Buffer.from(stored?.packageBase64 ?? '', 'base64'));
  return { request, stored, zip, data: JSON.parse(strFromU8(zip['data.json'] ?? new Uint8Array())) as Record<string, unknown> };
}

const errorsOf = () => JSON.stringify(validPackageData?.errors);
/** A CSV's text with its byte-order mark (TextDecoder, and so strFromU8, would drop it). */
const csvText = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('the package of an access request', () => {
  test('data.json validates against subject-export.v2.json and is what the export row holds', async () => {
    const { data, stored } = await answeredRequest('access');
    expect(validPackageData?.(data), errorsOf()).toBe(true);
    expect(data).toMatchObject({ schemaVersion: 2, $schema: `${portalOrigin}/schemas/subject-export.v2.json` });
    expect(JSON.parse(stored?.content ?? '{}')).toEqual(data);
  });

  test('holds the portal’s data, each system with data, the systems without, and the file', async () => {
    const { data, zip } = await answeredRequest('access');
    const systemIds = (data.systems as { system: string; tables: { name: string }[] }[]).map((section) => [
      section.system,
      section.tables.map((table) => table.name),
    ]);
    expect(systemIds).toEqual([
      ['customer-database', ['customers', 'invoices', 'support-tickets']],
      ['login-history', ['logins']],
    ]);
    expect(data.systemsWithoutData).toEqual([expect.objectContaining({ system: 'contract-archive', reason: 'not-applicable' })]);
    expect((data.requests as { requester: { phone: string } }[])[0]?.requester.phone).toBe('+48125550461');
    expect((data.consentRecords as unknown[]).length).toBe(1);
    expect((data.marketing as unknown[]).length).toBe(1);
    const [file] = data.files as { path: string; sha256: string }[];
    expect(file?.path).toBe('files/umowa 2024_03.pdf');
    expect(Buffer.from(zip[file?.path ?? ''] ?? []).equals(pdf)).toBe(true);
    expect(Object.keys(zip).sort()).toEqual(['data.json', 'files/umowa 2024_03.pdf', 'index.html']);
  });

  test.each([
    ['a request’s type as a number', ['requests', 0, 'type'], 1],
    ['a system’s table row as text', ['systems', 0, 'tables', 0, 'rows', 0], 'C-1042'],
    ['a file’s size as text', ['files', 0, 'size'], '117'],
    ['a collection time as a number', ['systems', 1, 'collectedAt'], 1764838800000],
  ] as const)('a tampered copy (%s) fails the same check', async (_what, path, wrong) => {
    const { data } = await answeredRequest('access');
    const copy = structuredClone(data);
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    expect(parent[key]).toBeDefined();
    parent[key] = wrong;
    expect(validPackageData?.(copy)).toBe(false);
  });
});

describe('the package of a portability request', () => {
  test('data.json validates too, and every table (the portal’s three and each system’s) has a CSV of its own', async () => {
    const { data, zip } = await answeredRequest('portability');
    expect(validPackageData?.(data), errorsOf()).toBe(true);
    expect(
      Object.keys(zip)
        .filter((path) => path.startsWith('csv/'))
        .sort(),
    ).toEqual([
      'csv/customer-database-customers.csv',
      'csv/customer-database-invoices.csv',
      'csv/customer-database-support-tickets.csv',
      'csv/login-history-logins.csv',
      'csv/portal-consent-records.csv',
      'csv/portal-marketing.csv',
      'csv/portal-requests.csv',
    ]);
    const tickets = csvText(zip['csv/customer-database-support-tickets.csv']);
    expect(tickets).toBe(
      `\uFEFFopened_on,subject,body\r\n2026-05-02,"'=HYPERLINK(""http://evil.example"")","Skrzynka, ""kasia@"", nie działa\n<script>alert(1)</script>"\r\n`,
    );
    const invoices = csvText(zip['csv/customer-database-invoices.csv']);
    expect(invoices).toBe('\uFEFFnumber,issued_on,amount_eur,status\r\nINV-2026-0311,2026-03-01,12.4,paid\r\nINV-2026-0412,2026-04-01,12.4,\r\n');
    const requests = csvText(zip['csv/portal-requests.csv']);
    expect(requests.split('\r\n')[0]).toBe('\uFEFFNumer,Rodzaj,Status,Otrzymano,Zamknięto');
  });
});
