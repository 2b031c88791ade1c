import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type PortalDatabase } from '../../db/connection.ts';
import { latestAuditEvents } from '../../src/lib/audit.repo.ts';
import {
  createDpoAccount,
  disableDpoAccount,
  dpoAccountEvents,
  enableDpoAccount,
  listDpoAccounts,
  removeDpoAccount,
  resetDpoPassword,
  revokeDpoSessions,
} from '../../src/lib/dpo-accounts.repo.ts';
import { enabledDpoUsers, findDpoUser, resumeSession, sessionIdleMs, startSession, useTotpStep } from '../../src/lib/dpo.repo.ts';
import { migratedDatabase } from '../support/database.ts';

let db: PortalDatabase;
beforeEach(() => {
  db = migratedDatabase();
});
afterEach(() => db.$client.close());

const now = Date.parse('2026-11-20T10:00:00Z');
const by = { actor: 'cli:operator', now };
const email = 'eleni@ostria.example';
const make = (address = email, totpSecret: string | null = 'sealed-secret') => createDpoAccount(db, { email: address, passwordHash: 'scrypt$old', totpSecret, locale: 'el' }, by);
const detailOf = (kind: string) => JSON.parse(latestAuditEvents(db, kind)[0]?.detail ?? 'null') as unknown;

describe('resetDpoPassword()', () => {
  test('keeps the second factor and its last used step unless asked, and ends every session', () => {
    const user = make();
    expect(useTotpStep(db, user.id, 1000)).toBe(true);
    const sessions = [startSession(db, user.id, now), startSession(db, user.id, now)];
    expect(resetDpoPassword(db, email, 'scrypt$new', { change: 'kept' }, by)).toEqual({ sessionsEnded: 2 });
    expect(findDpoUser(db, email)).toMatchObject({ passwordHash: 'scrypt$new', totpSecret: 'sealed-secret', totpLastStep: 1000 });
    for (const session of sessions) expect(resumeSession(db, session.token, now + 1)).toBeUndefined();
    expect(detailOf(dpoAccountEvents.passwordReset)).toEqual({ account: email, secondFactor: 'kept', sessionsEnded: 2 });
    expect(latestAuditEvents(db, dpoAccountEvents.passwordReset)[0]).toMatchObject({ actor: 'cli:operator', occurredAt: now });
  });

  test('removes or replaces the second factor when asked', () => {
    make();
    resetDpoPassword(db, email, 'scrypt$new', { change: 'removed' }, by);
    expect(findDpoUser(db, email)).toMatchObject({ totpSecret: null, totpLastStep: null });
    resetDpoPassword(db, email, 'scrypt$newer', { change: 'replaced', sealedSecret: 'another-sealed-secret' }, by);
    expect(findDpoUser(db, email)).toMatchObject({ totpSecret: 'another-sealed-secret', totpLastStep: null });
    expect(latestAuditEvents(db, dpoAccountEvents.passwordReset).map((event) => JSON.parse(event.detail ?? '{}') as { secondFactor: string }).map((detail) => detail.secondFactor)).toEqual(['replaced', 'removed']);
  });

  test('is one transaction with its audit event: when the event cannot be written, nothing changes', () => {
    const user = make();
    const session = startSession(db, user.id, now);
    db.$client.exec("CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    expect(() => resetDpoPassword(db, email, 'scrypt$new', { change: 'removed' }, by)).toThrow(/audit refused/);
    expect(() => removeDpoAccount(db, email, by)).toThrow(/audit refused/);
    expect(findDpoUser(db, email)).toMatchObject({ passwordHash: 'scrypt$old', totpSecret: 'sealed-secret' });
    expect(resumeSession(db, session.token, now + 1)?.email).toBe(email);
  });

  test('of an unknown account changes and records nothing', () => {
    expect(resetDpoPassword(db, 'nobody@ostria.example', 'scrypt$new', { change: 'kept' }, by)).toBeUndefined();
    expect(latestAuditEvents(db, dpoAccountEvents.passwordReset)).toEqual([]);
  });
});

describe('disable, enable, remove, revoke', () => {
  test('a disabled account loses its sessions, an old token is refused, reminders skip it; enabling lets it back', () => {
    const user = make();
    const session = startSession(db, user.id, now);
    expect(disableDpoAccount(db, email, by)).toEqual({ changed: true, sessionsEnded: 1 });
    expect(resumeSession(db, session.token, now + 1)).toBeUndefined();
    // A session started in a race (the password checked just before the disable) is refused as well.
    const late = startSession(db, user.id, now + 2);
    expect(resumeSession(db, late.token, now + 3)).toBeUndefined();
    expect(enabledDpoUsers(db)).toEqual([]);
    expect(disableDpoAccount(db, email, { ...by, now: now + 4 })).toEqual({ changed: false, sessionsEnded: 0 });
    expect(findDpoUser(db, email)?.disabledAt).toBe(now);

    expect(enableDpoAccount(db, email, by)).toEqual({ changed: true });
    expect(enableDpoAccount(db, email, by)).toEqual({ changed: false });
    expect(enabledDpoUsers(db).map((dpo) => dpo.email)).toEqual([email]);
    expect(latestAuditEvents(db, dpoAccountEvents.disabled)).toHaveLength(1);
    expect(latestAuditEvents(db, dpoAccountEvents.enabled)).toHaveLength(1);
  });

  test('remove deletes the sessions first (no foreign key error) and the account', () => {
    const user = make();
    startSession(db, user.id, now);
    startSession(db, user.id, now);
    expect(removeDpoAccount(db, email, by)).toEqual({ sessionsEnded: 2 });
    expect(findDpoUser(db, email)).toBeUndefined();
    expect(detailOf(dpoAccountEvents.removed)).toEqual({ account: email, sessionsEnded: 2 });
    expect(removeDpoAccount(db, email, by)).toBeUndefined();
  });

  test('revoke ends the sessions of that account only', () => {
    const user = make();
    const colleague = make('nikos@ostria.example');
    const mine = startSession(db, user.id, now);
    const theirs = startSession(db, colleague.id, now);
    expect(revokeDpoSessions(db, email, by)).toEqual({ sessionsEnded: 1 });
    expect(resumeSession(db, mine.token, now + 1)).toBeUndefined();
    expect(resumeSession(db, theirs.token, now + 1)?.email).toBe('nikos@ostria.example');
    expect(revokeDpoSessions(db, 'nobody@ostria.example', by)).toBeUndefined();
  });
});

describe('listDpoAccounts()', () => {
  test('shows each account with its second factor, state and live sessions, and nothing secret', () => {
    const user = make();
    make('nikos@ostria.example', null);
    startSession(db, user.id, now);
    startSession(db, user.id, now - sessionIdleMs - 1);
    disableDpoAccount(db, 'nikos@ostria.example', by);
    const listed = listDpoAccounts(db, now);
    expect(listed).toEqual([
      { email, locale: 'el', createdAt: now, secondFactor: true, disabledAt: null, liveSessions: 1 },
      { email: 'nikos@ostria.example', locale: 'el', createdAt: now, secondFactor: false, disabledAt: now, liveSessions: 0 },
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|sealed/);
  });
});
