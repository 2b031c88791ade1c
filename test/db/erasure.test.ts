import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { findChainBreak } from '../../src/lib/consent.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { allConsentRecords, appendConsentRecord, consentHistory } from '../../src/lib/consent.repo.ts';
import { lookUpConsent } from '../../src/lib/consent-lookup.ts';
import { erasureCounts, erasureScope } from '../../src/lib/erasure.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { confirmedSignup } from '../support/marketing.ts';
import { createRequest, eventsOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');
const annasCookie = 'aaaaaaaaaaaaaaaaaaaaaa';
const annasOtherBrowser = 'bbbbbbbbbbbbbbbbbbbbbb';
const someoneElse = 'zzzzzzzzzzzzzzzzzzzzzz';

const decision = (consentId: string, at: number, analytics: boolean) =>
  consentDecision(consentId, at, analytics, { siteId: 'portal', origin: 'https://privacy.ostria.example', locale: 'pl' });

/** Anna's erasure request; `fromBrowser` when she sent it from the browser whose consent cookie holds the id. */
async function erasureRequest(consentId: string | undefined, fromBrowser = true) {
  const submission = requestSubmissionSchema.parse({
    type: 'erasure',
    locale: 'pl',
    name: 'Anna Nowak',
    email: 'Anna@Example.pl',
    scope: 'Wszystko',
    grounds: 'Cofam zgodę',
    declaration: true,
    consentId,
  });
  return await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Warsaw',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: fromBrowser ? 'browser' : null,
  });
}

async function seed() {
  await appendConsentRecord(store, decision(annasCookie, now - 5000, true));
  await appendConsentRecord(store, decision(someoneElse, now - 4500, false));
  await appendConsentRecord(store, decision(annasCookie, now - 4000, false));
  await appendConsentRecord(store, decision(annasOtherBrowser, now - 3500, true));
  await appendConsentRecord(store, decision(someoneElse, now - 3000, true));
  // Anna's newsletter (typed with another capitalisation), signed up in her other browser.
  await confirmedSignup(store, {
    channel: 'email',
    address: 'anna@example.pl',
    locale: 'pl',
    consentId: annasOtherBrowser,
    policyVersion: 2,
    wording: 'Chcę otrzymywać…',
    now: now - 2000,
  });
  await confirmedSignup(store, {
    channel: 'email',
    address: 'someone@else.example',
    locale: 'pl',
    consentId: someoneElse,
    policyVersion: 2,
    wording: 'x',
    now: now - 2000,
  });
}

async function startWork(reference: string) {
  expect((await takeAction(store, reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  expect((await takeAction(store, reference, { action: 'start' }, 'dpo:eleni@ostria.example', now)).ok).toBe(true);
}

describe('erasure', () => {
  test('anonymises the subject’s consent records and marketing consents, keeps everyone else’s, and counts what it did', async () => {
    await seed();
    const request = await erasureRequest(annasCookie);
    await startWork(request.reference);
    expect(await erasureCounts(db, request)).toEqual({
      consentRecords: 2,
      marketingSubscriptions: 1,
      marketingEvents: 2,
      requestsAnonymised: 0,
      exportsDeleted: 0,
    });

    const outcome = await takeAction(store, request.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now + 1000);
    expect(outcome.ok).toBe(true);
    expect(await consentHistory(db, annasCookie)).toEqual([]);
    // The newsletter names the consent id of her other browser, but a consent id proves a browser, not an address:
    // only a request sent from that browser (or the DPO's check) makes it hers.
    expect(await consentHistory(db, annasOtherBrowser)).toHaveLength(1);
    expect(await consentHistory(db, someoneElse)).toHaveLength(2);
    expect(await store.value("select count(*) from consent_records where consent_id = 'erased' and erased_at is not null")).toBe(2);
    expect(await store.rows('select address, consent_id as "consentId" from marketing_subscriptions order by id')).toEqual([
      { address: 'erased', consentId: null },
      { address: 'someone@else.example', consentId: someoneElse },
    ]);
    const erased = (await eventsOf(db, request.id)).at(-1);
    expect(erased).toMatchObject({ kind: 'erased', actor: 'dpo:eleni@ostria.example' });
    expect(JSON.parse(erased?.detail ?? '{}')).toEqual({
      counts: { consentRecords: 2, marketingSubscriptions: 1, marketingEvents: 2, requestsAnonymised: 0, exportsDeleted: 0 },
    });
    expect(await lookUpConsent(db, annasCookie)).toEqual({
      found: true,
      histories: [],
      chain: { checked: 0, erased: 0 },
      marketing: [],
      requests: [expect.objectContaining({ reference: request.reference })],
      unlinkedConsentIds: [],
    });

    // Everyone else's proof still verifies; the erased records keep their place in the chain.
    expect(await findChainBreak(allConsentRecords(db))).toEqual({ checked: 5, erased: 2 });
    // Nothing is left to erase a second time.
    expect(await erasureCounts(db, request)).toEqual({
      consentRecords: 0,
      marketingSubscriptions: 0,
      marketingEvents: 0,
      requestsAnonymised: 0,
      exportsDeleted: 0,
    });
  });

  test('finds the subject by email alone when the request names no consent id', async () => {
    await seed();
    const request = await erasureRequest(undefined);
    expect(await erasureCounts(db, request)).toEqual({
      consentRecords: 0,
      marketingSubscriptions: 1,
      marketingEvents: 2,
      requestsAnonymised: 0,
      exportsDeleted: 0,
    });
  });

  test('a consent id only typed into the request erases nothing recorded under it, and the review says so', async () => {
    await seed();
    const request = await erasureRequest(someoneElse, false);
    await startWork(request.reference);
    const scope = await erasureScope(db, request);
    expect(scope.counts).toEqual({ consentRecords: 0, marketingSubscriptions: 1, marketingEvents: 2, requestsAnonymised: 0, exportsDeleted: 0 });
    expect(scope.unlinkedConsentIds).toEqual([{ consentId: someoneElse, reference: request.reference, provenBy: null }]);
    expect(scope.subscriptions.map(({ subscription, linkedBy }) => [subscription.address, linkedBy])).toEqual([['anna@example.pl', 'address']]);
    expect((await takeAction(store, request.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now + 1000)).ok).toBe(true);
    expect(await consentHistory(db, someoneElse)).toHaveLength(2);
    expect(await store.column("select address from marketing_subscriptions where consent_id = 'zzzzzzzzzzzzzzzzzzzzzz'")).toEqual(['someone@else.example']);
  });

  test('the review lists each item with what links it, and the requests it keeps', async () => {
    await seed();
    await confirmedSignup(store, {
      channel: 'sms',
      address: '+48600100200',
      locale: 'pl',
      consentId: annasCookie,
      policyVersion: 2,
      wording: 'SMS',
      now: now - 1000,
    });
    const request = await erasureRequest(annasCookie);
    await startWork(request.reference);
    const scope = await erasureScope(db, request);
    expect(scope.consentIds).toEqual([{ consentId: annasCookie, provenBy: 'browser', reference: request.reference, records: 2 }]);
    expect(scope.subscriptions.map(({ subscription, linkedBy }) => [subscription.channel, subscription.address, linkedBy])).toEqual([
      ['email', 'anna@example.pl', 'address'],
      ['sms', '+48600100200', 'consentId'],
    ]);
    expect(scope.keptRequests).toEqual([request.reference]);
  });

  test('is refused for another type of request and before work has started', async () => {
    await seed();
    const request = await erasureRequest(annasCookie);
    expect(await takeAction(store, request.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now)).toEqual({ ok: false, problem: 'status' });
    const access = await createRequest(store, {
      submission: requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna', email: 'anna@example.pl', declaration: true }),
      now,
      timeZone: 'Europe/Warsaw',
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: newToken().hash,
    });
    await startWork(access.reference);
    expect(await takeAction(store, access.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now)).toEqual({ ok: false, problem: 'type' });
    expect(await consentHistory(db, annasCookie)).toHaveLength(2);
  });

  test('the database allows no other change to a consent record, erased or not', async () => {
    await seed();
    const request = await erasureRequest(annasCookie);
    await startWork(request.reference);
    await takeAction(store, request.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now);
    const run = (sql: string) => store.run(sql);
    // An erasure must remove the commitment's salt with the consent id, or the record could still be tied to the id.
    await expect(run("update consent_records set consent_id = 'erased', erased_at = 1 where consent_id = 'zzzzzzzzzzzzzzzzzzzzzz' and id = 2")).rejects.toThrow(
      'append-only',
    );
    await expect(
      run("update consent_records set consent_commitment = null, consent_id = 'erased', consent_salt = null, erased_at = 1 where id = 2"),
    ).rejects.toThrow('append-only');
    await expect(
      run("update consent_records set consent_id = 'erased', consent_salt = null, erased_at = 1 where consent_id = 'zzzzzzzzzzzzzzzzzzzzzz' and id = 2"),
    ).resolves.toBeUndefined();
    await expect(run("update consent_records set consent_id = 'someone', erased_at = 1 where id = 5")).rejects.toThrow('append-only');
    await expect(run("update consent_records set analytics = false, consent_id = 'erased', erased_at = 1 where id = 5")).rejects.toThrow('append-only');
    await expect(run("update consent_records set consent_id = 'aaaaaaaaaaaaaaaaaaaaaa' where id = 1")).rejects.toThrow('append-only');
    await expect(run('update consent_records set erased_at = 99 where id = 1')).rejects.toThrow('append-only');
    await expect(run('delete from consent_records where id = 1')).rejects.toThrow('append-only');
    await expect(run('delete from marketing_events')).rejects.toThrow('append-only');
  });
});

describe('consent lookup', () => {
  test('by email finds the consent ids proven on the person’s requests, each record checked in the chain; a claimed one is listed apart', async () => {
    await seed();
    const lookup = await lookUpConsent(db, 'ANNA@example.pl');
    if (!lookup.found) throw new Error('expected a result');
    // Her newsletter alone proves no consent id.
    expect(lookup.histories).toEqual([]);
    expect(lookup.marketing.map((entry) => [entry.subscription.address, entry.status, entry.linkedBy])).toEqual([['anna@example.pl', 'confirmed', 'address']]);

    const claimed = await erasureRequest(someoneElse, false);
    const typed = await lookUpConsent(db, 'anna@example.pl');
    if (!typed.found) throw new Error('expected a result');
    expect(typed.histories).toEqual([]);
    expect(typed.unlinkedConsentIds).toEqual([{ consentId: someoneElse, reference: claimed.reference, provenBy: null }]);

    const proven = await erasureRequest(annasCookie);
    await startWork(proven.reference);
    const again = await lookUpConsent(db, 'anna@example.pl');
    if (!again.found) throw new Error('expected a result');
    expect(again.histories.map((history) => [history.consentId, history.records.length, history.link?.provenBy])).toEqual([[annasCookie, 2, 'browser']]);
    expect(again.chain).toEqual({ checked: 2, erased: 0 });
    expect(again.requests).toHaveLength(2);
  });

  test('by consent id finds what was recorded under it and every request naming it, proven or not', async () => {
    await seed();
    await erasureRequest(someoneElse, false);
    const lookup = await lookUpConsent(db, someoneElse);
    if (!lookup.found) throw new Error('expected a result');
    expect(lookup.histories.map((history) => [history.consentId, history.records.length])).toEqual([[someoneElse, 2]]);
    expect(lookup.marketing.map((entry) => [entry.subscription.address, entry.linkedBy])).toEqual([['someone@else.example', 'consentId']]);
    expect(lookup.requests.map((request) => request.consentIdLinkedBy)).toEqual([null]);
  });

  test('names a record changed behind the triggers, and its neighbours', async () => {
    await seed();
    await store.dropTrigger('consent_records', 'consent_records_no_update');
    await store.run('update consent_records set analytics = false where id = 4');
    const lookup = await lookUpConsent(db, annasOtherBrowser);
    expect(lookup.found && lookup.chain.firstBreak).toEqual({ id: 4, consentId: annasOtherBrowser, reason: 'record hash does not match its fields' });
    // Someone else's record right after Anna's first one no longer links to it: Anna's proof is in doubt too.
    await store.run("update consent_records set previous_hash = 'f' where id = 2");
    const neighbour = await lookUpConsent(db, annasCookie);
    expect(neighbour.found && neighbour.chain).toEqual({
      checked: 1,
      erased: 0,
      firstBreak: { id: 2, consentId: someoneElse, reason: 'previous hash does not match' },
    });
  });

  test('an unknown id finds nothing; a query that is neither an id nor an address is a problem', async () => {
    expect(await lookUpConsent(db, 'qqqqqqqqqqqqqqqqqqqqqq')).toEqual({ found: false });
    expect(await lookUpConsent(db, 'erased')).toEqual({ found: false, problem: 'invalidQuery' });
    expect(await lookUpConsent(db, '')).toEqual({ found: false });
  });
});
