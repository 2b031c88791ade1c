import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { appendConsentRecord, consentHistory } from '../../src/lib/consent.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, exportOf, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

// Issue 13: an erasure finds the person whatever the case of their address, and leaves nothing behind.
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');
const ivansBrowser = 'iiiiiiiiiiiiiiiiiiiiii';
const dpo = 'dpo:eleni@ostria.example';

async function request(type: 'access' | 'erasure', email: string, at: number) {
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'bg',
    name: 'Иван Петров',
    email,
    declaration: true,
    consentId: ivansBrowser,
    phone: '+359 888 000 111',
    ...(type === 'erasure' ? { scope: 'Всичко', grounds: 'Оттеглям съгласието си' } : {}),
  });
  const row = await createRequest(store, {
    submission,
    now: at,
    timeZone: 'Europe/Sofia',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
  expect((await takeAction(store, row.reference, { action: 'verify', method: 'email-link' }, 'requester', at + 1)).ok).toBe(true);
  expect((await takeAction(store, row.reference, { action: 'start' }, dpo, at + 2)).ok).toBe(true);
  return row;
}

describe('an erasure of Иван@пример.бг', () => {
  test('finds and anonymises the consent records under an earlier request from иван@пример.бг', async () => {
    await appendConsentRecord(store, consentDecision(ivansBrowser, now - 9000, true));
    const earlier = await request('access', 'иван@пример.бг', now - 5000);
    expect(
      (
        await takeAction(
          store,
          earlier.reference,
          { action: 'complete', message: 'Готово', exportContent: async () => '{"email":"иван@пример.бг"}' },
          dpo,
          now - 4000,
        )
      ).ok,
    ).toBe(true);
    const erasure = await request('erasure', 'Иван@пример.бг', now);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 1000)).ok).toBe(true);
    expect(await consentHistory(db, ivansBrowser)).toEqual([]);
  });

  test('deletes the stored exports of earlier access requests', async () => {
    const earlier = await request('access', 'ivan@example.bg', now - 5000);
    expect(
      (
        await takeAction(
          store,
          earlier.reference,
          { action: 'complete', message: 'Готово', exportContent: async () => '{"phone":"+359888000111"}' },
          dpo,
          now - 4000,
        )
      ).ok,
    ).toBe(true);
    const erasure = await request('erasure', 'Ivan@Example.bg', now);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 1000)).ok).toBe(true);
    expect(await exportOf(db, earlier.id)).toBeUndefined();
  });

  test('anonymises the person’s other requests: no name, address, phone number or consent id left', async () => {
    const earlier = await request('access', 'ivan@example.bg', now - 5000);
    const erasure = await request('erasure', 'ivan@example.bg', now);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 1000)).ok).toBe(true);
    const after = await findRequest(db, earlier.reference);
    expect(after).toMatchObject({ name: 'anonymised', consentId: null, customerReference: null, phone: null });
    expect(after?.email).not.toContain('ivan');
    // Every column, the search forms of the name and address included.
    const rows = await store.rows('select * from requests where id != ?', erasure.id);
    expect(JSON.stringify(rows)).not.toMatch(/ivan|Иван|Петров|iiii|888000111/i);
  });

  test('is taken at most once per request', async () => {
    const erasure = await request('erasure', 'ivan@example.bg', now);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 1000)).ok).toBe(true);
    expect(await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 2000)).toEqual({ ok: false, problem: 'alreadyErased' });
  });
});
