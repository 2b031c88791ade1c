import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { NestedStoreAccessError } from '../../db/store.ts';
import { consentHistory, appendConsentRecords } from '../../src/lib/consent.repo.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, onPostgres, type TestStore } from '../support/database.ts';

const consentId = 'ssssssssssssssssssssss';
let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

/** Lets every other flow waiting on the event loop run, as a network wait inside a transaction would. */
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

describe('the store', () => {
  test.skipIf(onPostgres)('a read waits for a transaction under way and never sees its uncommitted writes', async () => {
    const seen: number[] = [];
    const writing = store.transaction(async (tx) => {
      await appendConsentRecords(tx, [consentDecision(consentId, 1)]);
      await yieldToOthers();
      await appendConsentRecords(tx, [consentDecision(consentId, 2)]);
    });
    // SQLite: one connection, so the read waits its turn and sees the commit.
    const reading = store.read(async (db) => seen.push((await consentHistory(db, consentId)).length));
    await Promise.all([writing, reading]);
    expect(seen).toEqual([2]);
  });

  test.runIf(onPostgres)('a read during a transaction runs at once and never sees its uncommitted writes', async () => {
    const seen: number[] = [];
    let firstWritten = () => {};
    let readDone = () => {};
    const written = new Promise<void>((resolve) => (firstWritten = resolve));
    const read = new Promise<void>((resolve) => (readDone = resolve));
    const writing = store.transaction(async (tx) => {
      await appendConsentRecords(tx, [consentDecision(consentId, 1)]);
      firstWritten();
      await read;
      await appendConsentRecords(tx, [consentDecision(consentId, 2)]);
    });
    // PostgreSQL: a pool, so the read takes a connection of its own while the transaction is still open.
    await written;
    await store.read(async (db) => seen.push((await consentHistory(db, consentId)).length));
    readDone();
    await writing;
    seen.push((await store.read((db) => consentHistory(db, consentId))).length);
    expect(seen).toEqual([0, 2]);
  });

  test('a transaction that throws is rolled back, and one started meanwhile is not swept along with it', async () => {
    const failing = store.transaction(async (tx) => {
      await appendConsentRecords(tx, [consentDecision(consentId, 1)]);
      await yieldToOthers();
      throw new Error('the mail server refused');
    });
    const other = store.transaction((tx) => appendConsentRecords(tx, [consentDecision(consentId, 2)]));
    await expect(failing).rejects.toThrow('the mail server refused');
    await other;
    expect((await store.read((db) => consentHistory(db, consentId))).map((record) => record.recordedAt)).toEqual([2]);
  });

  test('entering the store again from inside one of its transactions is refused instead of waiting for itself', async () => {
    await expect(store.transaction(() => store.read((db) => consentHistory(db, consentId)))).rejects.toThrow(NestedStoreAccessError);
    // Work started inside a transaction but run after it ended is not refused.
    let later: Promise<unknown> | undefined;
    await store.transaction(() => {
      later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => store.read((db) => consentHistory(db, consentId)));
    });
    await expect(later).resolves.toEqual([]);
  });

  test('answers while open, and refuses work once closed', async () => {
    expect(await store.answers()).toBe(true);
    await store.close();
    await expect(store.read((db) => consentHistory(db, consentId))).rejects.toThrow('closed');
  });
});
