import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateDatabase, openDatabase, type PortalDatabase } from '../../db/connection.ts';
import { findChainBreak } from '../../src/lib/consent.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { allConsentRecords, appendConsentRecord, consentHistory, createConsentAppender } from '../../src/lib/consent.repo.ts';

const migrations = join(import.meta.dirname, '../../db/migrations');
const fields = consentDecision;

let db: PortalDatabase;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrateDatabase(db, migrations);
});
afterEach(() => db.$client.close());

describe('appendConsentRecord()', () => {
  test('chains records and keeps each consent id history in order', () => {
    appendConsentRecord(db, fields('aaaaaaaaaaaaaaaaaaaaaa', 1));
    appendConsentRecord(db, fields('bbbbbbbbbbbbbbbbbbbbbb', 2));
    appendConsentRecord(db, fields('aaaaaaaaaaaaaaaaaaaaaa', 3, true));
    expect(consentHistory(db, 'aaaaaaaaaaaaaaaaaaaaaa').map((record) => [record.recordedAt, record.analytics])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(findChainBreak(allConsentRecords(db))).toEqual({ checked: 3, erased: 0 });
  });

  test('the database refuses to edit or delete a record', () => {
    appendConsentRecord(db, fields('aaaaaaaaaaaaaaaaaaaaaa', 1));
    expect(() => db.$client.prepare('update consent_records set analytics = 1').run()).toThrow('append-only');
    expect(() => db.$client.prepare('delete from consent_records').run()).toThrow('append-only');
    expect(consentHistory(db, 'aaaaaaaaaaaaaaaaaaaaaa')[0]?.analytics).toBe(false);
  });

  test('an edit made behind the triggers is found and named', () => {
    for (let at = 1; at <= 5; at += 1) appendConsentRecord(db, fields('aaaaaaaaaaaaaaaaaaaaaa', at));
    db.$client.exec('drop trigger consent_records_no_update; update consent_records set analytics = 1 where id = 4;');
    expect(findChainBreak(allConsentRecords(db)).firstBreak).toMatchObject({ id: 4, reason: 'record hash does not match its fields' });
  });

  test('two connections writing to one file never fork the chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-chain-'));
    const first = openDatabase(join(dir, 'portal.db'));
    migrateDatabase(first, migrations);
    const second = openDatabase(join(dir, 'portal.db'));
    for (let at = 0; at < 200; at += 1) appendConsentRecord(at % 2 ? first : second, fields('cccccccccccccccccccccc', at));
    expect(findChainBreak(allConsentRecords(first))).toEqual({ checked: 200, erased: 0 });
    first.$client.close();
    second.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('createConsentAppender()', () => {
  test('decisions arriving together are committed together, in order, and the chain stays intact', async () => {
    const append = createConsentAppender(() => db);
    const records = await Promise.all(Array.from({ length: 50 }, (_, at) => append(fields('eeeeeeeeeeeeeeeeeeeeee', at))));
    expect(records.map((record) => record.recordedAt)).toEqual(Array.from({ length: 50 }, (_, at) => at));
    expect(new Set(records.map((record) => record.id)).size).toBe(50);
    expect(findChainBreak(allConsentRecords(db))).toEqual({ checked: 50, erased: 0 });
  });

  test('a failed batch rejects every waiting caller and writes nothing', async () => {
    const append = createConsentAppender(() => db);
    const broken = { ...fields('ffffffffffffffffffffff', 2), action: null as unknown as 'custom' };
    const results = await Promise.allSettled([append(fields('ffffffffffffffffffffff', 1)), append(broken)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(consentHistory(db, 'ffffffffffffffffffffff')).toHaveLength(0);
  });
});
