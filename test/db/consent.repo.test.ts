import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openSqliteStore } from '../../db/connection.ts';
import type { Executor } from '../../db/store.ts';
import { migratedStore, onPostgres, type TestStore } from '../support/database.ts';
import { findChainBreak } from '../../src/lib/consent.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { allConsentRecords, appendConsentRecord, consentHistory, createConsentAppender } from '../../src/lib/consent.repo.ts';

const migrations = join(import.meta.dirname, '../../db/migrations');
const fields = consentDecision;

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

describe('appendConsentRecord()', () => {
  test('chains records and keeps each consent id history in order', async () => {
    await appendConsentRecord(store, fields('aaaaaaaaaaaaaaaaaaaaaa', 1));
    await appendConsentRecord(store, fields('bbbbbbbbbbbbbbbbbbbbbb', 2));
    await appendConsentRecord(store, fields('aaaaaaaaaaaaaaaaaaaaaa', 3, true));
    expect((await consentHistory(db, 'aaaaaaaaaaaaaaaaaaaaaa')).map((record) => [record.recordedAt, record.analytics])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(await findChainBreak(allConsentRecords(db))).toEqual({ checked: 3, erased: 0 });
  });

  test('the database refuses to edit or delete a record', async () => {
    await appendConsentRecord(store, fields('aaaaaaaaaaaaaaaaaaaaaa', 1));
    await expect(store.run('update consent_records set analytics = true')).rejects.toThrow('append-only');
    await expect(store.run('delete from consent_records')).rejects.toThrow('append-only');
    expect((await consentHistory(db, 'aaaaaaaaaaaaaaaaaaaaaa'))[0]?.analytics).toBe(false);
  });

  test('an edit made behind the triggers is found and named', async () => {
    for (let at = 1; at <= 5; at += 1) await appendConsentRecord(store, fields('aaaaaaaaaaaaaaaaaaaaaa', at));
    await store.dropTrigger('consent_records', 'consent_records_no_update');
    await store.run('update consent_records set analytics = true where id = 4');
    expect((await findChainBreak(allConsentRecords(db))).firstBreak).toMatchObject({ id: 4, reason: 'record hash does not match its fields' });
  });

  // The SQLite file itself; on PostgreSQL test/db-pg/consent-chain-lock.test.ts holds several pools to the same.
  test.skipIf(onPostgres)('two connections writing to one file never fork the chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-chain-'));
    const first = openSqliteStore(join(dir, 'portal.db'), { migrate: true, migrationsFolder: migrations });
    const second = openSqliteStore(join(dir, 'portal.db'));
    for (let at = 0; at < 200; at += 1) await appendConsentRecord(at % 2 ? first : second, fields('cccccccccccccccccccccc', at));
    expect(await findChainBreak(allConsentRecords(first.handle))).toEqual({ checked: 200, erased: 0 });
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('createConsentAppender()', () => {
  test('decisions arriving together are committed together, in order, and the chain stays intact', async () => {
    const append = createConsentAppender(store);
    const records = await Promise.all(Array.from({ length: 50 }, (_, at) => append(fields('eeeeeeeeeeeeeeeeeeeeee', at))));
    expect(records.map((record) => record.recordedAt)).toEqual(Array.from({ length: 50 }, (_, at) => at));
    expect(new Set(records.map((record) => record.id)).size).toBe(50);
    expect(await findChainBreak(allConsentRecords(db))).toEqual({ checked: 50, erased: 0 });
  });

  test('a failed batch rejects every waiting caller and writes nothing', async () => {
    const append = createConsentAppender(store);
    const broken = { ...fields('ffffffffffffffffffffff', 2), action: null as unknown as 'custom' };
    const results = await Promise.allSettled([append(fields('ffffffffffffffffffffff', 1)), append(broken)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await consentHistory(db, 'ffffffffffffffffffffff')).toHaveLength(0);
  });
});
