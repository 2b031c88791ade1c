import { afterEach, beforeEach, describe, expect, test } from 'vitest';
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
const by = { actor: 'cli:operator', now };
const email = 'eleni@ostria.example';
const make = async (address = email, totpSecret: string | null = 'sealed-secret') =>
  await createDpoAccount(store, { email: address, passwordHash: 'scrypt$old', totpSecret, locale: 'el' }, by);
const detailOf = async (kind: string) => JSON.parse((await latestAuditEvents(db, kind))[0]?.detail ?? 'null') as unknown;

describe('resetDpoPassword()', () => {
  test('keeps the second factor and its last used step unless asked, and ends every session', async () => {
    const user = await make();
    expect(await useTotpStep(store, user.id, 1000)).toBe(true);
    const sessions = [await startSession(store, user.id, now), await startSession(store, user.id, now)];
    expect(await resetDpoPassword(store, email, 'scrypt$new', { change: 'kept' }, by)).toEqual({ sessionsEnded: 2 });
    expect(await findDpoUser(db, email)).toMatchObject({ passwordHash: 'scrypt$new', totpSecret: 'sealed-secret', totpLastStep: 1000 });
    for (const session of sessions) expect(await resumeSession(store, session.token, now + 1)).toBeUndefined();
    expect(await detailOf(dpoAccountEvents.passwordReset)).toEqual({ account: email, secondFactor: 'kept', sessionsEnded: 2 });
    expect((await latestAuditEvents(db, dpoAccountEvents.passwordReset))[0]).toMatchObject({ actor: 'cli:operator', occurredAt: now });
  });

  test('removes or replaces the second factor when asked', async () => {
    await make();
    await resetDpoPassword(store, email, 'scrypt$new', { change: 'removed' }, by);
    expect(await findDpoUser(db, email)).toMatchObject({ totpSecret: null, totpLastStep: null });
    await resetDpoPassword(store, email, 'scrypt$newer', { change: 'replaced', sealedSecret: 'another-sealed-secret' }, by);
    expect(await findDpoUser(db, email)).toMatchObject({ totpSecret: 'another-sealed-secret', totpLastStep: null });
    expect(
      (await latestAuditEvents(db, dpoAccountEvents.passwordReset))
        .map((event) => JSON.parse(event.detail ?? '{}') as { secondFactor: string })
        .map((detail) => detail.secondFactor),
    ).toEqual(['replaced', 'removed']);
  });

  test('is one transaction with its audit event: when the event cannot be written, nothing changes', async () => {
    const user = await make();
    const session = await startSession(store, user.id, now);
    await store.failInserts('audit_events', 'audit refused');
    await expect(resetDpoPassword(store, email, 'scrypt$new', { change: 'removed' }, by)).rejects.toThrow(/audit refused/);
    await expect(removeDpoAccount(store, email, by)).rejects.toThrow(/audit refused/);
    expect(await findDpoUser(db, email)).toMatchObject({ passwordHash: 'scrypt$old', totpSecret: 'sealed-secret' });
    expect((await resumeSession(store, session.token, now + 1))?.email).toBe(email);
  });

  test('of an unknown account changes and records nothing', async () => {
    expect(await resetDpoPassword(store, 'nobody@ostria.example', 'scrypt$new', { change: 'kept' }, by)).toBeUndefined();
    expect(await latestAuditEvents(db, dpoAccountEvents.passwordReset)).toEqual([]);
  });
});

describe('disable, enable, remove, revoke', () => {
  test('a disabled account loses its sessions, an old token is refused, reminders skip it; enabling lets it back', async () => {
    const user = await make();
    const session = await startSession(store, user.id, now);
    expect(await disableDpoAccount(store, email, by)).toEqual({ changed: true, sessionsEnded: 1 });
    expect(await resumeSession(store, session.token, now + 1)).toBeUndefined();
    // A session started in a race (the password checked just before the disable) is refused as well.
    const late = await startSession(store, user.id, now + 2);
    expect(await resumeSession(store, late.token, now + 3)).toBeUndefined();
    expect(await enabledDpoUsers(db)).toEqual([]);
    expect(await disableDpoAccount(store, email, { ...by, now: now + 4 })).toEqual({ changed: false, sessionsEnded: 0 });
    expect((await findDpoUser(db, email))?.disabledAt).toBe(now);

    expect(await enableDpoAccount(store, email, by)).toEqual({ changed: true });
    expect(await enableDpoAccount(store, email, by)).toEqual({ changed: false });
    expect((await enabledDpoUsers(db)).map((dpo) => dpo.email)).toEqual([email]);
    expect(await latestAuditEvents(db, dpoAccountEvents.disabled)).toHaveLength(1);
    expect(await latestAuditEvents(db, dpoAccountEvents.enabled)).toHaveLength(1);
  });

  test('remove deletes the sessions first (no foreign key error) and the account', async () => {
    const user = await make();
    await startSession(store, user.id, now);
    await startSession(store, user.id, now);
    expect(await removeDpoAccount(store, email, by)).toEqual({ sessionsEnded: 2 });
    expect(await findDpoUser(db, email)).toBeUndefined();
    expect(await detailOf(dpoAccountEvents.removed)).toEqual({ account: email, sessionsEnded: 2 });
    expect(await removeDpoAccount(store, email, by)).toBeUndefined();
  });

  test('revoke ends the sessions of that account only', async () => {
    const user = await make();
    const colleague = await make('nikos@ostria.example');
    const mine = await startSession(store, user.id, now);
    const theirs = await startSession(store, colleague.id, now);
    expect(await revokeDpoSessions(store, email, by)).toEqual({ sessionsEnded: 1 });
    expect(await resumeSession(store, mine.token, now + 1)).toBeUndefined();
    expect((await resumeSession(store, theirs.token, now + 1))?.email).toBe('nikos@ostria.example');
    expect(await revokeDpoSessions(store, 'nobody@ostria.example', by)).toBeUndefined();
  });
});

describe('listDpoAccounts()', () => {
  test('shows each account with its second factor, state and live sessions, and nothing secret', async () => {
    const user = await make();
    await make('nikos@ostria.example', null);
    await startSession(store, user.id, now);
    await startSession(store, user.id, now - sessionIdleMs - 1);
    await disableDpoAccount(store, 'nikos@ostria.example', by);
    const listed = await listDpoAccounts(db, now);
    expect(listed).toEqual([
      { email, locale: 'el', createdAt: now, secondFactor: true, disabledAt: null, liveSessions: 1 },
      { email: 'nikos@ostria.example', locale: 'el', createdAt: now, secondFactor: false, disabledAt: now, liveSessions: 0 },
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|sealed/);
  });
});
