import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { backfillLookupKeys } from '../../db/connection.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { findSubject } from '../../src/lib/subject.repo.ts';
import type { PortalDatabase } from '../../db/connection.ts';
import { migratedStore, onPostgres, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

// Issue 13: addresses are compared in one normalised form (Unicode case folding, NFC, IDN domain), never with
// SQLite's lower(), which folds ASCII letters only.
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');

async function request(email: string) {
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'bg', name: 'Иван', email, declaration: true });
  const row = await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Sofia',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: null,
  });
  expect((await takeAction(store, row.reference, { action: 'verify', method: 'email-link' }, 'requester', now + 1)).ok).toBe(true);
  return row;
}

async function signUp(address: string) {
  return await recordSignup(store, {
    channel: 'email',
    address,
    locale: 'bg',
    consentId: undefined,
    policyVersion: 2,
    wording: 'Да.',
    confirmTokenHash: `test-${randomUUID()}`,
    now,
  });
}

const found = async (email: string) => {
  const subject = await findSubject(db, email);
  return { requests: subject.requests.map((row) => row.email), subscriptions: subject.subscriptions.map(({ subscription }) => subscription.address) };
};

describe('findSubject() compares addresses in their case-folded form', () => {
  test.each([
    ['Cyrillic capitals', 'Иван@пример.бг', 'иван@пример.бг'],
    ['Greek capitals and final sigma', 'ΟΔΥΣΣΕΑΣ@example.gr', 'οδυσσεας@example.gr'],
    ['Greek final sigma written as a medial one', 'ΟΔΥΣΣΕΑΣ@example.gr', 'οδυσσεασ@example.gr'],
    ['Polish capitals', 'ŁUKASZ@przykład.pl', 'łukasz@przykład.pl'],
    ['a decomposed accent (NFD) and an ASCII domain', 'Ζωή@παράδειγμα.ελ', 'ζωη\u0301@xn--hxajbheg2az3al.xn--qxam'],
  ])('%s: a request from %s finds the data under %s', async (_name, asked, stored) => {
    await request(stored);
    await signUp(stored);
    const result = await found(asked);
    expect(result.requests).toHaveLength(1);
    expect(result.subscriptions).toHaveLength(1);
  });

  test.each([
    ['Cyrillic capitals', 'иван@пример.бг', 'Иван@пример.бг'],
    ['Greek capitals', 'οδυσσεας@example.gr', 'ΟΔΥΣΣΕΑΣ@example.gr'],
    ['Polish capitals', 'łukasz@przykład.pl', 'ŁUKASZ@przykład.pl'],
  ])('%s: a request from %s finds the data kept under %s', async (_name, asked, stored) => {
    await request(stored);
    await signUp(stored);
    const result = await found(asked);
    expect(result.requests).toHaveLength(1);
    expect(result.subscriptions).toHaveLength(1);
  });

  test('different people stay apart', async () => {
    await request('иван@пример.бг');
    await signUp('иван@пример.бг');
    expect(await found('ивана@пример.бг')).toEqual({ requests: [], subscriptions: [] });
  });
});

describe('backfillLookupKeys()', () => {
  // SQLite only: PostgreSQL databases were made with the lookup columns and never need the backfill.
  test.skipIf(onPostgres)('fills the lookup form of rows written before the lookup columns, and only those, on every start', async () => {
    const row = await request('Иван@пример.бг');
    await signUp('ŁUKASZ@przykład.pl');
    await store.run('update requests set email_key = null; update marketing_subscriptions set address_key = null');
    expect((await found('иван@пример.бг')).requests).toHaveLength(0);
    backfillLookupKeys(store.db as unknown as PortalDatabase);
    backfillLookupKeys(store.db as unknown as PortalDatabase);
    expect((await found('иван@пример.бг')).requests).toEqual([row.email]);
    expect((await found('łukasz@przykład.pl')).subscriptions).toEqual(['ŁUKASZ@przykład.pl']);
  });

  test.skipIf(onPostgres)('fills the name search form of requests made before it existed', async () => {
    const row = await request('Иван@пример.бг');
    await store.run(`update requests set name = 'Ελένη Γεωργίου', name_key = null`);
    backfillLookupKeys(store.db as unknown as PortalDatabase);
    expect(await store.value('select name_key from requests where id = ?', row.id)).toBe('ελενη γεωργιου');
  });
});
