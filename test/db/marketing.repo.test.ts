import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type PortalDatabase } from '../../db/connection.ts';
import { migratedDatabase } from '../support/database.ts';
import { codeLifetimeMs, codeMatches, confirmationLifetimeMs, newConfirmationCode, newToken } from '../../src/lib/marketing.ts';
import { confirmationPending, confirmSignup, confirmSignupByCode, recordSignup, spendConfirmation, subscriptionsOfConsent, withdrawSignup } from '../../src/lib/marketing.repo.ts';

let db: PortalDatabase;
beforeEach(() => {
  db = migratedDatabase();
});
afterEach(() => db.$client.close());

const consentId = 'dddddddddddddddddddddd';
const secret = 's'.repeat(32);
const signup = (channel: 'email' | 'sms' | 'phone', confirmTokenHash: string, now = 1000) =>
  recordSignup(db, {
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
  test('an email sign-up waits for its link; the link works once, within 72 hours', () => {
    const token = newToken();
    signup('email', token.hash);
    expect(subscriptionsOfConsent(db, consentId).email?.status).toBe('pending');
    expect(confirmationPending(db, token.token, 2000)).toBe(true);
    expect(confirmSignup(db, token.token, { policyVersion: 2, wording: 'Επιβεβαίωση', now: 2000 })).toBeDefined();
    expect(confirmSignup(db, token.token, { policyVersion: 2, wording: 'Επιβεβαίωση', now: 3000 })).toBeUndefined();
    const state = subscriptionsOfConsent(db, consentId).email;
    expect(state?.status).toBe('confirmed');
    expect(state?.events.map((event) => [event.event, event.occurredAt, event.via])).toEqual([
      ['requested', 1000, 'preferences'],
      ['confirmed', 2000, 'confirmation-link'],
    ]);
  });

  test('an expired link confirms nothing', () => {
    const token = newToken();
    signup('email', token.hash);
    const late = 1000 + confirmationLifetimeMs + 1;
    expect(confirmationPending(db, token.token, late)).toBe(false);
    expect(confirmSignup(db, token.token, { policyVersion: 2, wording: 'x', now: late })).toBeUndefined();
    expect(subscriptionsOfConsent(db, consentId).email?.status).toBe('pending');
  });

  test('an SMS sign-up waits for the code sent to the number: a wrong, an expired or another visitor\'s entry confirms nothing', () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = signup('sms', hash) ?? expect.unreachable('the first SMS sign-up is recorded');
    expect(subscriptionsOfConsent(db, consentId).sms?.status).toBe('pending');
    const target = { subscriptionId: subscription.id, consentId };
    const wrong = code === '000000' ? '000001' : '000000';
    expect(confirmSignupByCode(db, target, (stored) => codeMatches(secret, stored, wrong), confirmation)).toBe('wrong');
    expect(confirmSignupByCode(db, { ...target, consentId: 'xxxxxxxxxxxxxxxxxxxxxx' }, () => true, confirmation)).toBe('unknown');
    expect(confirmSignupByCode(db, target, (stored) => codeMatches(secret, stored, code), { ...confirmation, now: 1000 + codeLifetimeMs + 1 })).toBe('expired');
    expect(subscriptionsOfConsent(db, consentId).sms?.events.map((event) => event.event)).toEqual(['requested']);
    expect(confirmSignupByCode(db, target, (stored) => codeMatches(secret, stored, code), confirmation)).toBe('confirmed');
    expect(confirmSignupByCode(db, target, (stored) => codeMatches(secret, stored, code), confirmation)).toBe('unknown');
    expect(subscriptionsOfConsent(db, consentId).sms?.events.map((event) => [event.event, event.via])).toEqual([
      ['requested', 'preferences'],
      ['confirmed', 'confirmation-code'],
    ]);
  });

  test('a spent code confirms nothing, and the number may sign up again', () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = signup('phone', hash) ?? expect.unreachable('the first phone sign-up is recorded');
    expect(signup('sms', newConfirmationCode(secret).hash, 1500)).toBeUndefined();
    spendConfirmation(db, subscription.id);
    expect(confirmSignupByCode(db, { subscriptionId: subscription.id, consentId }, (stored) => codeMatches(secret, stored, code), confirmation)).toBe('unknown');
    expect(signup('sms', newConfirmationCode(secret).hash, 1500)).toBeDefined();
  });

  test('a withdrawal keeps its own time and wording and is recorded once', () => {
    const { code, hash } = newConfirmationCode(secret);
    const subscription = signup('sms', hash) ?? expect.unreachable('an SMS sign-up is recorded');
    confirmSignupByCode(db, { subscriptionId: subscription.id, consentId }, (stored) => codeMatches(secret, stored, code), confirmation);
    withdrawSignup(db, subscription.id, { via: 'unsubscribe-link', policyVersion: 2, wording: 'Απεγγραφήκατε.', now: 5000 });
    withdrawSignup(db, subscription.id, { via: 'list-unsubscribe', policyVersion: 2, wording: 'Απεγγραφήκατε.', now: 6000 });
    const events = subscriptionsOfConsent(db, consentId).sms?.events ?? [];
    expect(events.map((event) => event.event)).toEqual(['requested', 'confirmed', 'withdrawn']);
    expect(events.at(-1)).toMatchObject({ occurredAt: 5000, wording: 'Απεγγραφήκατε.', via: 'unsubscribe-link' });
  });

  test('events are append-only', () => {
    signup('sms', newConfirmationCode(secret).hash);
    expect(() => db.$client.prepare("update marketing_events set event = 'withdrawn'").run()).toThrow('append-only');
    expect(() => db.$client.prepare('delete from marketing_events').run()).toThrow('append-only');
  });
});

describe('one pending confirmation per address', () => {
  const rows = () => db.$client.prepare('select (select count(*) from marketing_subscriptions) as subscriptions, (select count(*) from marketing_events) as events').get();
  const emailSignup = (address: string, now: number, confirmTokenHash = newToken().hash) =>
    recordSignup(db, { channel: 'email', address, locale: 'pl', consentId: 'eeeeeeeeeeeeeeeeeeeeee', policyVersion: 2, wording: 'Chcę otrzymywać…', confirmTokenHash, now });

  test('while a confirmation waits, a sign-up of the same address (any ASCII case, any visitor) writes nothing', () => {
    expect(signup('email', newToken().hash, 1000)).toBeDefined();
    const before = rows();
    expect(emailSignup('maria@example.com', 2000)).toBeUndefined();
    expect(emailSignup('Maria@Example.com', 3000)).toBeUndefined();
    expect(rows()).toEqual(before);
    // Another address, and another channel, are their own.
    expect(emailSignup('anna@example.com', 4000)).toBeDefined();
    expect(signup('sms', newConfirmationCode(secret).hash, 5000)).toBeDefined();
  });

  test('an address outside ASCII is matched as kept', () => {
    expect(emailSignup('Μαρία@παράδειγμα.ελ', 1000)).toBeDefined();
    expect(emailSignup('Μαρία@παράδειγμα.ελ', 2000)).toBeUndefined();
  });

  test('once the link expired, was used, or the sign-up was withdrawn, a new one is recorded', () => {
    const token = newToken();
    signup('email', token.hash, 1000);
    expect(emailSignup('maria@example.com', 1000 + confirmationLifetimeMs)).toBeUndefined();
    expect(emailSignup('maria@example.com', 1000 + confirmationLifetimeMs + 1)).toBeDefined();

    const used = newToken();
    expect(emailSignup('used@example.com', 1000, used.hash)).toBeDefined();
    expect(confirmSignup(db, used.token, { policyVersion: 2, wording: 'x', now: 2000 })).toBeDefined();
    expect(emailSignup('used@example.com', 3000)).toBeDefined();

    const withdrawn = emailSignup('gone@example.com', 1000) ?? expect.unreachable('the first sign-up is recorded');
    withdrawSignup(db, withdrawn.id, { via: 'preferences', policyVersion: 2, wording: 'x', now: 2000 });
    expect(emailSignup('gone@example.com', 3000)).toBeDefined();
  });
});
