import { and, count, eq, gt, gte, isNull, lt } from 'drizzle-orm';
import type { PortalDatabase, Queryable } from '../../db/connection.ts';
import { dpoSessions, dpoUsers } from '../../db/schema.ts';
import { hashToken, newToken } from './marketing.ts';

export type DpoUser = typeof dpoUsers.$inferSelect;

/** A session ends after 30 minutes without a request, and 12 hours after sign-in at the latest. */
export const sessionIdleMs = 30 * 60 * 1000;
export const sessionAbsoluteMs = 12 * 60 * 60 * 1000;

export function createDpoUser(db: Queryable, user: { email: string; passwordHash: string; totpSecret: string | null; locale: string; now: number }): DpoUser {
  return db.insert(dpoUsers).values({ email: user.email, passwordHash: user.passwordHash, totpSecret: user.totpSecret, locale: user.locale, createdAt: user.now }).returning().get();
}

export function findDpoUser(db: Queryable, email: string): DpoUser | undefined {
  return db.select().from(dpoUsers).where(eq(dpoUsers.email, email)).get();
}

export function allDpoUsers(db: Queryable): DpoUser[] {
  return db.select().from(dpoUsers).all();
}

/** The accounts that may sign in (and get the reminders): every one not disabled. */
export function enabledDpoUsers(db: Queryable): DpoUser[] {
  return db.select().from(dpoUsers).where(isNull(dpoUsers.disabledAt)).all();
}

/** Records that a TOTP step was used; false when it (or a later one) already was, so a code works once. */
export function useTotpStep(db: PortalDatabase, userId: number, step: number): boolean {
  const user = db.select().from(dpoUsers).where(eq(dpoUsers.id, userId)).get();
  if (!user || (user.totpLastStep !== null && step <= user.totpLastStep)) return false;
  db.update(dpoUsers).set({ totpLastStep: step }).where(eq(dpoUsers.id, userId)).run();
  return true;
}

export function setDpoLocale(db: PortalDatabase, userId: number, locale: string): void {
  db.update(dpoUsers).set({ locale }).where(eq(dpoUsers.id, userId)).run();
}

/** Starts a session; the token goes into the cookie, its hash into the database. */
export function startSession(db: PortalDatabase, userId: number, now: number): { token: string; expiresAt: number } {
  const token = newToken();
  const expiresAt = now + sessionAbsoluteMs;
  db.delete(dpoSessions).where(lt(dpoSessions.expiresAt, now)).run();
  db.insert(dpoSessions).values({ userId, tokenHash: token.hash, createdAt: now, lastSeenAt: now, expiresAt }).run();
  return { token: token.token, expiresAt };
}

/**
 * The signed-in DPO for a session token, refreshing its idle time; undefined (and the session gone) once expired or
 * once its account is disabled.
 */
export function resumeSession(db: PortalDatabase, token: string | undefined, now: number): DpoUser | undefined {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const tokenHash = hashToken(token);
  const found = db
    .select({ session: dpoSessions, user: dpoUsers })
    .from(dpoSessions)
    .innerJoin(dpoUsers, eq(dpoUsers.id, dpoSessions.userId))
    .where(and(eq(dpoSessions.tokenHash, tokenHash), gt(dpoSessions.expiresAt, now)))
    .get();
  if (!found || now - found.session.lastSeenAt > sessionIdleMs || found.user.disabledAt !== null) {
    if (found) db.delete(dpoSessions).where(eq(dpoSessions.id, found.session.id)).run();
    return undefined;
  }
  db.update(dpoSessions).set({ lastSeenAt: now }).where(eq(dpoSessions.id, found.session.id)).run();
  return found.user;
}

/** Ends every session of one account (inside the caller's transaction); how many there were. */
export function endUserSessions(tx: Queryable, userId: number): number {
  return tx.delete(dpoSessions).where(eq(dpoSessions.userId, userId)).run().changes;
}

/** The sessions of each account that are still live at `now` (not expired, not idle too long), by user id. */
export function liveSessionCounts(db: Queryable, now: number): Map<number, number> {
  const rows = db
    .select({ userId: dpoSessions.userId, count: count() })
    .from(dpoSessions)
    .where(and(gt(dpoSessions.expiresAt, now), gte(dpoSessions.lastSeenAt, now - sessionIdleMs)))
    .groupBy(dpoSessions.userId)
    .all();
  return new Map(rows.map((row) => [row.userId, row.count]));
}

export function endSession(db: PortalDatabase, token: string | undefined): void {
  if (token) db.delete(dpoSessions).where(eq(dpoSessions.tokenHash, hashToken(token))).run();
}
