import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { codeLifetimeMs, codeMatches, confirmationLifetimeMs, newConfirmationCode, newToken } from '../../src/lib/marketing.ts';
import {
  confirmationPending,
  confirmSignup,
  confirmSignupByCode,
  recordSignup,
  spendConfirmation,
  subscriptionsOfConsent,
  withdrawSignup,
} from '../../src/lib/marketing.repo.ts';

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const consentId = 'dddddddddddddddddddddd';
const secret = 's'.repeat(32);
const signup = async (channel: 'email' | 'sms' | 'phone', confirmTokenHash: string, now = 1000) =>
  await recordSignup(store, {
    channel,
    address: channel === 'email' ? 'maria@example.com' : '+302310555014',
    locale: 'el',
    consentId,
    policyVersion: 2,
    wording: 'Θέλω να λαμβάνω νέα…',
    confirmTokenHash,
    confirmExpiresAt: channel === 'email' ? undefined : now + codeLifetimeMs,
    now,
  });
const confirmation = { policyVersion: 2, wording: 'Επιβεβαίωση αριθμού', now: 2000 };

describe('marketing consent', () => {
  test('an email sign-up waits for its link; the link works once, within 72 hours', async () => {
    const token = newToken();
    await signup('email', token.hash);
    expect((await subscriptionsOfConsent(db, consentId)).email?.status).toBe('pending');
    expect(await confirmationPending(db, token.token, 2000)).toBe(true);
    expect(await confirmSignup(store, token.token, { policyVersion: 2, wording: 'Επιβεβαίωση', now: 2000 })).toBeDefined();
    expect(await confirmSignup(store, token.token, { policyVersion: 2, wording: 'Επιβεβαίωση', now: 3000 })).toBeUndefined();
    const state = (await subscriptionsOfConsent(db, consentId)).email;
    expect(state?.status).toBe('confirmed');
    expect(state?.events.map((event) => [event.event, event.occurredAt, event.via])).toEqual([
      ['requested', 1000, 'preferences'],
      ['confirmed', 2000, 'confirmation-link'],
    ]);
  });

  test('an expired link confirms nothing', async () => {
    const token = newToken();
    await signup('email', token.hash);
    const late = 1000 + confirmationLifetimeMs + 1;
    expect(await confirmationPending(db, token.token, late)).toBe(false);
    expect(await confirmSignup(store, token.token, { policyVersion: 2, wording: 'x', now: late })).toBeUndefined();
    expect((await subscriptionsOfConsent(db, consentId)).email?.status).toBe('pending');
  });

  test("an SMS sign-up waits for the code sent to the number: a wrong, an expired or another visitor's entry confirms nothing", async () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = (await signup('sms', hash)) ?? expect.unreachable('the first SMS sign-up is recorded');
    expect((await subscriptionsOfConsent(db, consentId)).sms?.status).toBe('pending');
    const target = { subscriptionId: subscription.id, consentId };
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await confirmSignupByCode(store, target, (stored) => codeMatches(secret, stored, wrong), confirmation)).toBe('wrong');
    expect(await confirmSignupByCode(store, { ...target, consentId: 'xxxxxxxxxxxxxxxxxxxxxx' }, () => true, confirmation)).toBe('unknown');
    expect(await confirmSignupByCode(store, target, (stored) => codeMatches(secret, stored, code), { ...confirmation, now: 1000 + codeLifetimeMs + 1 })).toBe(
      'expired',
    );
    expect((await subscriptionsOfConsent(db, consentId)).sms?.events.map((event) => event.event)).toEqual(['requested']);
    expect(await confirmSignupByCode(store, target, (stored) => codeMatches(secret, stored, code), confirmation)).toBe('confirmed');
    expect(await confirmSignupByCode(store, target, (stored) => codeMatches(secret, stored, code), confirmation)).toBe('unknown');
    expect((await subscriptionsOfConsent(db, consentId)).sms?.events.map((event) => [event.event, event.via])).toEqual([
      ['requested', 'preferences'],
      ['confirmed', 'confirmation-code'],
    ]);
  });

  test('a spent code confirms nothing, and the number may sign up again', async () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = (await signup('phone', hash)) ?? expect.unreachable('the first phone sign-up is recorded');
    expect(await signup('sms', newConfirmationCode(secret).hash, 1500)).toBeUndefined();
    await spendConfirmation(store, subscription.id);
    expect(await confirmSignupByCode(store, { subscriptionId: subscription.id, consentId }, (stored) => codeMatches(secret, stored, code), confirmation)).toBe(
      'unknown',
    );
    expect(await signup('sms', newConfirmationCode(secret).hash, 1500)).toBeDefined();
  });

  test('a withdrawal keeps its own time and wording and is recorded once', async () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = (await signup('sms', hash)) ?? expect.unreachable('an SMS sign-up is recorded');
    await confirmSignupByCode(store, { subscriptionId: subscription.id, consentId }, (stored) => codeMatches(secret, stored, code), confirmation);
    await withdrawSignup(store, subscription.id, { via: 'unsubscribe-link', policyVersion: 2, wording: 'Απεγγραφήκατε.', now: 5000 });
    await withdrawSignup(store, subscription.id, { via: 'list-unsubscribe', policyVersion: 2, wording: 'Απεγγραφήκατε.', now: 6000 });
    const events = (await subscriptionsOfConsent(db, consentId)).sms?.events ?? [];
    expect(events.map((event) => event.event)).toEqual(['requested', 'confirmed', 'withdrawn']);
    expect(events.at(-1)).toMatchObject({ occurredAt: 5000, wording: 'Απεγγραφήκατε.', via: 'unsubscribe-link' });
  });

  test('events are append-only', async () => {
    await signup('sms', newConfirmationCode(secret).hash);
    await expect(store.run("update marketing_events set event = 'withdrawn'")).rejects.toThrow('append-only');
    await expect(store.run('delete from marketing_events')).rejects.toThrow('append-only');
  });
});

describe('one pending confirmation per address', () => {
  const rows = async () =>
    await store.row('select (select count(*) from marketing_subscriptions) as subscriptions, (select count(*) from marketing_events) as events');
  const emailSignup = async (address: string, now: number, confirmTokenHash = newToken().hash) =>
    await recordSignup(store, {
      channel: 'email',
      address,
      locale: 'pl',
      consentId: 'eeeeeeeeeeeeeeeeeeeeee',
      policyVersion: 2,
      wording: 'Chcę otrzymywać…',
      confirmTokenHash,
      now,
    });

  test('while a confirmation waits, a sign-up of the same address (any ASCII case, any visitor) writes nothing', async () => {
    expect(await signup('email', newToken().hash, 1000)).toBeDefined();
    const before = rows();
    expect(await emailSignup('maria@example.com', 2000)).toBeUndefined();
    expect(await emailSignup('Maria@Example.com', 3000)).toBeUndefined();
    expect(rows()).toEqual(before);
    // Another address, and another channel, are their own.
    expect(await emailSignup('anna@example.com', 4000)).toBeDefined();
    expect(await signup('sms', newConfirmationCode(secret).hash, 5000)).toBeDefined();
  });

  test('an address outside ASCII is matched as kept', async () => {
    expect(await emailSignup('Μαρία@παράδειγμα.ελ', 1000)).toBeDefined();
    expect(await emailSignup('Μαρία@παράδειγμα.ελ', 2000)).toBeUndefined();
  });

  test('once the link expired, was used, or the sign-up was withdrawn, a new one is recorded', async () => {
    const token = newToken();
    await signup('email', token.hash, 1000);
    expect(await emailSignup('maria@example.com', 1000 + confirmationLifetimeMs)).toBeUndefined();
    expect(await emailSignup('maria@example.com', 1000 + confirmationLifetimeMs + 1)).toBeDefined();

    const used = newToken();
    expect(await emailSignup('used@example.com', 1000, used.hash)).toBeDefined();
    expect(await confirmSignup(store, used.token, { policyVersion: 2, wording: 'x', now: 2000 })).toBeDefined();
    expect(await emailSignup('used@example.com', 3000)).toBeDefined();

    const withdrawn = (await emailSignup('gone@example.com', 1000)) ?? expect.unreachable('the first sign-up is recorded');
    await withdrawSignup(store, withdrawn.id, { via: 'preferences', policyVersion: 2, wording: 'x', now: 2000 });
    expect(await emailSignup('gone@example.com', 3000)).toBeDefined();
  });
});
