import type { DpoUser } from '../../db/rows.ts';
import { eq } from 'drizzle-orm';
import type { Executor, Store, Transaction } from '../../db/store.ts';
import { dpoUsers } from '../../db/tables.ts';
import { recordAuditEvent } from './audit.repo.ts';
import { allDpoUsers, createDpoUser, endUserSessions, findDpoUser, liveSessionCounts } from './dpo.repo.ts';

/**
 * The operator's changes to DPO accounts (`npm run dpo:create-user`, `npm run dpo:users`). Each change, the end of
 * the account's sessions it implies and its audit event share one transaction. An event's detail names the account
 * and counts; never a password, hash, secret or token.
 */
export const dpoAccountEvents = {
  created: 'dpo-account-created',
  passwordReset: 'dpo-account-password-reset',
  disabled: 'dpo-account-disabled',
  enabled: 'dpo-account-enabled',
  removed: 'dpo-account-removed',
  sessionsRevoked: 'dpo-sessions-revoked',
} as const;

/** Who made a change (`cli:<os user>`, `system:cli`) and when. */
export interface AccountChange {
  actor: string;
  now: number;
}

/** What a password reset does to the second factor: it is kept unless the operator asks otherwise. */
export type SecondFactorChange = { change: 'kept' } | { change: 'removed' } | { change: 'replaced'; sealedSecret: string };

async function record(tx: Transaction, by: AccountChange, kind: string, detail: Record<string, unknown>): Promise<void> {
  await recordAuditEvent(tx, { actor: by.actor, kind, occurredAt: by.now, detail });
}

/** Changes one account inside a transaction; undefined (and nothing written) when no account has this email. */
async function withAccount<T>(store: Store, email: string, change: (tx: Transaction, user: DpoUser) => Promise<T>): Promise<T | undefined> {
  return store.transaction(async (tx) => {
    const user = await findDpoUser(tx, email);
    return user ? change(tx, user) : undefined;
  });
}

export async function createDpoAccount(
  store: Store,
  account: { email: string; passwordHash: string; totpSecret: string | null; locale: string },
  by: AccountChange,
): Promise<DpoUser> {
  return store.transaction(async (tx) => {
    const user = await createDpoUser(tx, { ...account, now: by.now });
    await record(tx, by, dpoAccountEvents.created, { account: user.email, locale: user.locale, withSecondFactor: user.totpSecret !== null });
    return user;
  });
}

/** Sets a new password, keeps, replaces or removes the second factor, and ends every session of the account. */
export async function resetDpoPassword(
  store: Store,
  email: string,
  passwordHash: string,
  secondFactor: SecondFactorChange,
  by: AccountChange,
): Promise<{ sessionsEnded: number } | undefined> {
  return withAccount(store, email, async (tx, user) => {
    // A kept factor keeps its last used step, so a code already used stays used.
    const factor =
      secondFactor.change === 'kept' ? {} : { totpSecret: secondFactor.change === 'replaced' ? secondFactor.sealedSecret : null, totpLastStep: null };
    await tx
      .update(dpoUsers)
      .set({ passwordHash, ...factor })
      .where(eq(dpoUsers.id, user.id));
    const sessionsEnded = await endUserSessions(tx, user.id);
    await record(tx, by, dpoAccountEvents.passwordReset, { account: user.email, secondFactor: secondFactor.change, sessionsEnded });
    return { sessionsEnded };
  });
}

/** Stops an account from signing in and ends its sessions; `changed` is false when it was disabled already. */
export async function disableDpoAccount(store: Store, email: string, by: AccountChange): Promise<{ changed: boolean; sessionsEnded: number } | undefined> {
  return withAccount(store, email, async (tx, user) => {
    const sessionsEnded = await endUserSessions(tx, user.id);
    if (user.disabledAt !== null) return { changed: false, sessionsEnded };
    await tx.update(dpoUsers).set({ disabledAt: by.now }).where(eq(dpoUsers.id, user.id));
    await record(tx, by, dpoAccountEvents.disabled, { account: user.email, sessionsEnded });
    return { changed: true, sessionsEnded };
  });
}

/** Lets a disabled account sign in again (with its password and second factor as they were). */
export async function enableDpoAccount(store: Store, email: string, by: AccountChange): Promise<{ changed: boolean } | undefined> {
  return withAccount(store, email, async (tx, user) => {
    if (user.disabledAt === null) return { changed: false };
    await tx.update(dpoUsers).set({ disabledAt: null }).where(eq(dpoUsers.id, user.id));
    await record(tx, by, dpoAccountEvents.enabled, { account: user.email, disabledSince: user.disabledAt });
    return { changed: true };
  });
}

/**
 * Deletes an account and its sessions. The request trails name DPOs by email (`dpo:<email>`), so what the account
 * did stays readable.
 */
export async function removeDpoAccount(store: Store, email: string, by: AccountChange): Promise<{ sessionsEnded: number } | undefined> {
  return withAccount(store, email, async (tx, user) => {
    const sessionsEnded = await endUserSessions(tx, user.id);
    await tx.delete(dpoUsers).where(eq(dpoUsers.id, user.id));
    await record(tx, by, dpoAccountEvents.removed, { account: user.email, sessionsEnded });
    return { sessionsEnded };
  });
}

/** Ends every session of an account (a lost laptop, a shared screen); the account can sign in again. */
export async function revokeDpoSessions(store: Store, email: string, by: AccountChange): Promise<{ sessionsEnded: number } | undefined> {
  return withAccount(store, email, async (tx, user) => {
    const sessionsEnded = await endUserSessions(tx, user.id);
    await record(tx, by, dpoAccountEvents.sessionsRevoked, { account: user.email, sessionsEnded });
    return { sessionsEnded };
  });
}

/** What the operator may see of an account: no hash, no secret, no token. */
export interface DpoAccountSummary {
  email: string;
  locale: string;
  createdAt: number;
  secondFactor: boolean;
  disabledAt: number | null;
  liveSessions: number;
}

export async function listDpoAccounts(db: Executor, now: number): Promise<DpoAccountSummary[]> {
  const sessions = await liveSessionCounts(db, now);
  return (await allDpoUsers(db))
    .map((user) => ({
      email: user.email,
      locale: user.locale,
      createdAt: user.createdAt,
      secondFactor: user.totpSecret !== null,
      disabledAt: user.disabledAt,
      liveSessions: sessions.get(user.id) ?? 0,
    }))
    .sort((a, b) => a.email.localeCompare(b.email));
}
