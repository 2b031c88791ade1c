import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { lookUpConsent } from '../../src/lib/consent-lookup.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

// Issue 13: a phone marketing consent without a consent id is found by its number, however it is written.
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

describe('the DPO lookup by phone', () => {
  test('finds an SMS consent without a consent id, typed with spaces and dashes', async () => {
    await recordSignup(store, {
      channel: 'sms',
      address: '+48600100200',
      locale: 'pl',
      consentId: undefined,
      policyVersion: 2,
      wording: 'SMS…',
      confirmTokenHash: `test-${randomUUID()}`,
      now: Date.parse('2026-11-20T10:00:00Z'),
    });
    await recordSignup(store, {
      channel: 'phone',
      address: '+48 600 999 999',
      locale: 'pl',
      consentId: undefined,
      policyVersion: 2,
      wording: 'Tel…',
      confirmTokenHash: `test-${randomUUID()}`,
      now: Date.parse('2026-11-20T10:00:00Z'),
    });
    const found = await lookUpConsent(db, '+48 600-100-200');
    expect(found.found).toBe(true);
    expect(found.found && found.marketing.map(({ subscription }) => subscription.address)).toEqual(['+48600100200']);
    expect(await lookUpConsent(db, '+48 600 000 000')).toEqual({ found: false });
  });
});
