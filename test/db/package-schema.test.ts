import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import { answeredRequest as answered, attachedPdf, portalOrigin } from '../support/package.ts';

// Issue 15: the package's data.json keeps the promise its schema makes, on both stores; portability adds a CSV per table.
const schemaDir = join(import.meta.dirname, '../../public/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const file of ['request.v1.json', 'subject-export.v2.json']) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')));
const validPackageData = ajv.getSchema('/schemas/subject-export.v2.json');

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

const answeredRequest = (type: 'access' | 'portability') => answered(store, type);

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
    expect(Buffer.from(zip[file?.path ?? ''] ?? []).equals(attachedPdf)).toBe(true);
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
