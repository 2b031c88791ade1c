import { and, count, eq, gt, gte, isNull, lt, or } from 'drizzle-orm';
import { onlyRow, type Executor, type Store, type Transaction } from '../../db/store.ts';
import { dpoSessions, dpoUsers } from '../../db/tables.ts';
import { hashToken, newToken } from './marketing.ts';
import type { DpoUser } from '../../db/rows.ts';

/** A session ends after 30 minutes without a request, and 12 hours after sign-in at the latest. */
export const sessionIdleMs = 30 * 60 * 1000;
export const sessionAbsoluteMs = 12 * 60 * 60 * 1000;

export async function createDpoUser(
  tx: Transaction,
  user: { email: string; passwordHash: string; totpSecret: string | null; locale: string; now: number },
): Promise<DpoUser> {
  return onlyRow(
    await tx
      .insert(dpoUsers)
      .values({ email: user.email, passwordHash: user.passwordHash, totpSecret: user.totpSecret, locale: user.locale, createdAt: user.now })
      .returning(),
  );
}

export async function findDpoUser(db: Executor, email: string): Promise<DpoUser | undefined> {
  const [user] = await db.select().from(dpoUsers).where(eq(dpoUsers.email, email)).limit(1);
  return user;
}

export async function allDpoUsers(db: Executor): Promise<DpoUser[]> {
  return db.select().from(dpoUsers);
}

/** The accounts that may sign in (and get the reminders): every one not disabled. */
export async function enabledDpoUsers(db: Executor): Promise<DpoUser[]> {
  return db.select().from(dpoUsers).where(isNull(dpoUsers.disabledAt));
}

/**
 * Records that a TOTP step was used; false when it (or a later one) already was, so a code works once. One conditional
 * update: sign-ins with the same code on several instances at once queue on the account's row, and every one after
 * the first finds the step already used (a read, then a write, would let them all through at READ COMMITTED).
 */
export async function useTotpStep(store: Store, userId: number, step: number): Promise<boolean> {
  return store.transaction(async (tx) => {
    const used = await tx
      .update(dpoUsers)
      .set({ totpLastStep: step })
      .where(and(eq(dpoUsers.id, userId), or(isNull(dpoUsers.totpLastStep), lt(dpoUsers.totpLastStep, step))))
      .returning({ id: dpoUsers.id });
    return used.length === 1;
  });
}

export async function setDpoLocale(store: Store, userId: number, locale: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.update(dpoUsers).set({ locale }).where(eq(dpoUsers.id, userId));
  });
}

/** Starts a session; the token goes into the cookie, its hash into the database. */
export async function startSession(store: Store, userId: number, now: number): Promise<{ token: string; expiresAt: number }> {
  const token = newToken();
  const expiresAt = now + sessionAbsoluteMs;
  await store.transaction(async (tx) => {
    await tx.delete(dpoSessions).where(lt(dpoSessions.expiresAt, now));
    await tx.insert(dpoSessions).values({ userId, tokenHash: token.hash, createdAt: now, lastSeenAt: now, expiresAt });
  });
  return { token: token.token, expiresAt };
}

/**
 * The signed-in DPO for a session token, refreshing its idle time; undefined (and the session gone) once expired or
 * once its account is disabled.
 */
export async function resumeSession(store: Store, token: string | undefined, now: number): Promise<DpoUser | undefined> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const tokenHash = hashToken(token);
  return store.transaction(async (tx) => {
    const [found] = await tx
      .select({ session: dpoSessions, user: dpoUsers })
      .from(dpoSessions)
      .innerJoin(dpoUsers, eq(dpoUsers.id, dpoSessions.userId))
      .where(and(eq(dpoSessions.tokenHash, tokenHash), gt(dpoSessions.expiresAt, now)))
      .limit(1);
    if (!found || now - found.session.lastSeenAt > sessionIdleMs || found.user.disabledAt !== null) {
      if (found) await tx.delete(dpoSessions).where(eq(dpoSessions.id, found.session.id));
      return undefined;
    }
    await tx.update(dpoSessions).set({ lastSeenAt: now }).where(eq(dpoSessions.id, found.session.id));
    return found.user;
  });
}

/** Ends every session of one account (inside the caller's transaction); how many there were. */
export async function endUserSessions(tx: Transaction, userId: number): Promise<number> {
  return (await tx.delete(dpoSessions).where(eq(dpoSessions.userId, userId)).returning({ id: dpoSessions.id })).length;
}

/** The sessions of each account that are still live at `now` (not expired, not idle too long), by user id. */
export async function liveSessionCounts(db: Executor, now: number): Promise<Map<number, number>> {
  const rows = await db
    .select({ userId: dpoSessions.userId, count: count() })
    .from(dpoSessions)
    .where(and(gt(dpoSessions.expiresAt, now), gte(dpoSessions.lastSeenAt, now - sessionIdleMs)))
    .groupBy(dpoSessions.userId);
  return new Map(rows.map((row) => [row.userId, row.count]));
}

export async function endSession(store: Store, token: string | undefined): Promise<void> {
  if (!token) return;
  await store.transaction(async (tx) => {
    await tx.delete(dpoSessions).where(eq(dpoSessions.tokenHash, hashToken(token)));
  });
}
