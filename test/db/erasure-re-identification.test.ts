import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { consentRecords } from '../../db/tables.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { commitToConsentId, genesisHash, hashConsentRecord, type ConsentRecordFields } from '../../src/lib/consent.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, type RequestType } from '../../src/lib/requests.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

// Issue 13: after an erasure, nothing the portal still holds re-identifies the person's consent records. An erased
// record keeps its hash; a format-1 hash covers the consent id, a format-2 one its salted commitment. Whoever finds
// the consent id anywhere (a request row, a DPO note, a link event, the answer, a marketing consent) can recompute
// the hash and point at the records again. So the test takes every string left in every table as a guess.
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');
const ivansBrowser = 'IvAnBrOwSeR0123456789a';
const ivansPhone = '+359 888 000 111';
const dpo = 'dpo:eleni@ostria.example';

/** A record in the first hash format, as every record written before issue 13 is (the chain starts with it). */
async function formatOneRecord(fields: ConsentRecordFields): Promise<void> {
  await db.insert(consentRecords).values({ ...fields, previousHash: genesisHash, recordHash: hashConsentRecord(genesisHash, fields), hashVersion: 1 });
}

async function request(type: RequestType, extra: Record<string, string>, linkedBy: 'browser' | undefined, at: number) {
  const submission = requestSubmissionSchema.parse({ type, locale: 'bg', name: 'Иван Петров', email: 'Иван@пример.бг', declaration: true, ...extra });
  const row = await createRequest(store, {
    submission,
    now: at,
    timeZone: 'Europe/Sofia',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    ...(linkedBy ? { consentIdLinkedBy: linkedBy } : {}),
  });
  expect(
    (await takeAction(store, row.reference, { action: 'verify', method: 'customer-account', note: `Checked ${ivansBrowser} in the CRM` }, dpo, at + 1)).ok,
  ).toBe(true);
  expect((await takeAction(store, row.reference, { action: 'start' }, dpo, at + 2)).ok).toBe(true);
  return row;
}

/** Every string in every table, and each word-like run in it (JSON details included). */
async function everythingLeft(): Promise<Set<string>> {
  const tables = await store.tableNames();
  const found = new Set<string>();
  for (const table of tables) {
    for (const row of (await store.rows(`select * from "${table}"`)) as Record<string, unknown>[]) {
      for (const value of Object.values(row)) {
        if (typeof value !== 'string') continue;
        found.add(value);
        for (const run of value.match(/[\p{L}\p{N}_+-]{6,}/gu) ?? []) found.add(run);
      }
    }
  }
  return found;
}

/** The erased records whose hash a guess reproduces: for format 1 the consent id, for format 2 a salt and an id. */
async function reIdentified(guesses: Set<string>): Promise<number[]> {
  const erased = (await db.select().from(consentRecords)).filter((record) => record.erasedAt !== null);
  expect(erased.length).toBeGreaterThan(1);
  const hits: number[] = [];
  for (const record of erased) {
    for (const guess of guesses) {
      if (record.hashVersion === 1 && hashConsentRecord(record.previousHash, { ...record, consentId: guess }) === record.recordHash) hits.push(record.id);
      if (record.hashVersion === 2) {
        for (const salt of [record.consentSalt, ...guesses]) {
          if (salt && commitToConsentId(salt, guess) === record.consentCommitment) hits.push(record.id);
        }
      }
    }
  }
  return hits;
}

describe('after an erasure of Иван@пример.бг, answered', () => {
  test('no string left anywhere re-identifies his erased consent records', async () => {
    await formatOneRecord(consentDecision(ivansBrowser, now - 90_000));
    await appendConsentRecord(store, consentDecision(ivansBrowser, now - 80_000, true));
    const signup = await recordSignup(store, {
      channel: 'sms',
      address: ivansPhone,
      locale: 'bg',
      consentId: ivansBrowser,
      policyVersion: 2,
      wording: 'SMS',
      confirmTokenHash: newToken().hash,
      now: now - 70_000,
    });
    expect(signup).toBeDefined();

    // An access request whose consent id the DPO linked by hand, with notes naming it, answered with an export.
    const access = await request('access', { consentId: ivansBrowser }, undefined, now - 60_000);
    expect((await takeAction(store, access.reference, { action: 'link', note: `Cookie ${ivansBrowser} seen on his laptop` }, dpo, now - 59_000)).ok).toBe(true);
    expect((await takeAction(store, access.reference, { action: 'note', text: `Consent id ${ivansBrowser}, phone ${ivansPhone}` }, dpo, now - 58_000)).ok).toBe(
      true,
    );
    expect(
      (
        await takeAction(
          store,
          access.reference,
          { action: 'complete', message: `Your records under ${ivansBrowser}`, exportContent: async () => JSON.stringify({ consentId: ivansBrowser }) },
          dpo,
          now - 57_000,
        )
      ).ok,
    ).toBe(true);

    // The erasure names the id from his browser; the DPO notes it, extends, erases, and answers naming it again.
    const erasure = await request(
      'erasure',
      { consentId: ivansBrowser, scope: `Всичко под ${ivansBrowser}`, grounds: 'Оттеглям съгласието си' },
      'browser',
      now,
    );
    expect((await takeAction(store, erasure.reference, { action: 'note', text: `Erasing ${ivansBrowser}` }, dpo, now + 1000)).ok).toBe(true);
    expect(
      (
        await takeAction(
          store,
          erasure.reference,
          { action: 'extend', months: 1, reason: `Backups holding ${ivansBrowser}`, timeZone: 'Europe/Sofia' },
          dpo,
          now + 1500,
        )
      ).ok,
    ).toBe(true);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 2000)).ok).toBe(true);
    expect((await takeAction(store, erasure.reference, { action: 'complete', message: `Erased everything under ${ivansBrowser}` }, dpo, now + 3000)).ok).toBe(
      true,
    );

    const left = await everythingLeft();
    // The detector finds him when the id is known, so an empty answer below means something.
    expect((await reIdentified(new Set([ivansBrowser]))).length).toBeGreaterThan(0);
    expect([...left].filter((value) => value.includes(ivansBrowser))).toEqual([]);
    expect(await reIdentified(left)).toEqual([]);
    expect([...left].filter((value) => /Иван|иван|888 000 111|359888000111/u.test(value))).toEqual([]);
  });

  test('the erasure request keeps only what proves it was answered: reference, type, dates and counts', async () => {
    await appendConsentRecord(store, consentDecision(ivansBrowser, now - 80_000, true));
    const erasure = await request('erasure', { consentId: ivansBrowser, scope: 'Всичко', grounds: 'Оттеглям съгласието си' }, 'browser', now);
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, now + 2000)).ok).toBe(true);
    // Until answered it keeps the address: the answer has to reach him.
    expect(await findRequest(db, erasure.reference)).toMatchObject({ email: 'Иван@пример.бг', anonymisedAt: null });
    const answered = await takeAction(store, erasure.reference, { action: 'complete', message: 'Изтрихме всичко, Иване.' }, dpo, now + 3000);
    expect(answered.ok && answered.request).toMatchObject({
      reference: erasure.reference,
      type: 'erasure',
      status: 'completed',
      receivedAt: now,
      closedAt: now + 3000,
      name: 'anonymised',
      email: 'anonymised@retention.invalid',
      consentId: null,
      consentIdLinkedBy: null,
      scope: null,
      grounds: null,
      outcome: null,
      anonymisedAt: now + 3000,
    });
    const events = (await store.rows('select kind, detail from request_events where request_id = ? order by id', erasure.id)) as {
      kind: string;
      detail: string | null;
    }[];
    expect(events.map((event) => event.kind)).toEqual(['received', 'identity-verified', 'started', 'erased', 'completed', 'anonymised']);
    expect(JSON.parse(events[3]?.detail ?? '{}')).toEqual({
      counts: { consentRecords: 1, marketingSubscriptions: 0, marketingEvents: 0, requestsAnonymised: 0, exportsDeleted: 0 },
    });
    expect(JSON.parse(events[4]?.detail ?? '{}')).toEqual({ redacted: ['message'] });
    expect(JSON.stringify(events)).not.toMatch(/Иван|CRM|IvAn/u);
  });
});
