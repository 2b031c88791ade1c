import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { confirmedSignup } from '../support/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { findByConsentId, findSubject } from '../../src/lib/subject.repo.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');
// Vera's browser, and the id an attacker copied from it.
const verasBrowser = 'vvvvvvvvvvvvvvvvvvvvvv';
const adamsBrowser = 'aaaaaaaaaaaaaaaaaaaaaa';

async function request(email: string, consentId: string | undefined, options: { fromBrowser?: boolean; verified?: boolean } = {}) {
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'nl', name: 'Iemand', email, declaration: true, consentId });
  const row = await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Amsterdam',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: options.fromBrowser ? 'browser' : null,
  });
  if (options.verified ?? true)
    expect((await takeAction(store, row.reference, { action: 'verify', method: 'email-link' }, 'requester', now + 1)).ok).toBe(true);
  return row;
}

async function signUp(channel: 'email' | 'sms' | 'phone', address: string, consentId: string | undefined) {
  return await confirmedSignup(store, { channel, address, locale: 'nl', consentId, policyVersion: 2, wording: 'Ja, graag.', now });
}

/** Vera: two decisions in her browser, newsletter and SMS signed up from it, her own request sent from it. */
async function seedVera() {
  await appendConsentRecord(store, consentDecision(verasBrowser, now - 5000, true));
  await appendConsentRecord(store, consentDecision(verasBrowser, now - 4000, false));
  await signUp('email', 'vera@example.nl', verasBrowser);
  await signUp('sms', '+31612340001', verasBrowser);
  return await request('vera@example.nl', verasBrowser, { fromBrowser: true });
}

const summary = async (email: string) => {
  const subject = await findSubject(db, email);
  return {
    requests: subject.requests.map((row) => row.email),
    consentIds: subject.consentIds.map((link) => [link.consentId, link.provenBy]),
    subscriptions: subject.subscriptions.map(({ subscription, linkedBy }) => [subscription.channel, subscription.address, linkedBy]),
    unlinked: subject.unlinkedConsentIds.map((unlinked) => [unlinked.consentId, unlinked.provenBy]),
  };
};

describe('findSubject()', () => {
  test('a consent id proven by the browser links its consent ids and the SMS consent made with it; email marketing joins by address', async () => {
    const vera = await seedVera();
    expect(await summary('vera@example.nl')).toEqual({
      requests: ['vera@example.nl'],
      consentIds: [[verasBrowser, 'browser']],
      subscriptions: [
        ['email', 'vera@example.nl', 'address'],
        ['sms', '+31612340001', 'consentId'],
      ],
      unlinked: [],
    });
    expect((await findSubject(db, 'vera@example.nl')).consentIds[0]?.reference).toBe(vera.reference);
  });

  test('a consent id typed into someone else’s request links nothing of the person it belongs to', async () => {
    await seedVera();
    await request('adam@attacker.example', verasBrowser);
    expect(await summary('adam@attacker.example')).toEqual({
      requests: ['adam@attacker.example'],
      consentIds: [],
      subscriptions: [],
      unlinked: [[verasBrowser, null]],
    });
    // Vera is found as before, and the attacker's request is not among hers.
    expect((await summary('vera@example.nl')).requests).toEqual(['vera@example.nl']);
  });

  test('even proven, a consent id never brings requests or email marketing under another address', async () => {
    await seedVera();
    // The attacker's own browser, used to sign up an address that is not his and to send a request for himself.
    await signUp('email', 'vera.work@example.nl', adamsBrowser);
    await request('adam@attacker.example', adamsBrowser, { fromBrowser: true });
    await request('vera.work@example.nl', adamsBrowser, { fromBrowser: true, verified: false });
    expect(await summary('adam@attacker.example')).toEqual({
      requests: ['adam@attacker.example'],
      consentIds: [[adamsBrowser, 'browser']],
      subscriptions: [],
      unlinked: [],
    });
  });

  test('a proven consent id on a request whose identity is not verified yet links nothing', async () => {
    await request('nora@example.nl', verasBrowser, { fromBrowser: true, verified: false });
    expect(await summary('nora@example.nl')).toMatchObject({ consentIds: [], unlinked: [[verasBrowser, 'browser']] });
  });

  test('a consent id the DPO linked counts once its request is verified', async () => {
    const typed = await request('ursula@example.nl', verasBrowser);
    expect((await summary('ursula@example.nl')).consentIds).toEqual([]);
    expect((await takeAction(store, typed.reference, { action: 'link', note: 'Ontvangstbewijs vergeleken' }, 'dpo:dpo@ostria.example', now + 2)).ok).toBe(true);
    expect(await summary('ursula@example.nl')).toMatchObject({ consentIds: [[verasBrowser, 'dpo']], unlinked: [] });
  });

  test('addresses are compared without regard to case, as before', async () => {
    await seedVera();
    expect((await summary('VERA@Example.nl')).consentIds).toEqual([[verasBrowser, 'browser']]);
    expect((await summary('VERA@Example.nl')).subscriptions).toHaveLength(2);
  });
});

describe('findByConsentId()', () => {
  test('the DPO’s search by consent id finds every request naming it, proven or not, and every marketing consent made with it', async () => {
    await seedVera();
    await request('adam@attacker.example', verasBrowser);
    const found = await findByConsentId(db, verasBrowser);
    expect(found.requests.map((row) => [row.email, row.consentIdLinkedBy])).toEqual([
      ['vera@example.nl', 'browser'],
      ['adam@attacker.example', null],
    ]);
    expect(found.subscriptions.map(({ subscription, linkedBy }) => [subscription.channel, linkedBy])).toEqual([
      ['email', 'consentId'],
      ['sms', 'consentId'],
    ]);
  });
});
