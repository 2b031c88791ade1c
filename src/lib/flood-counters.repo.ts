import { and, eq, gt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/store.ts';
import { floodCounters } from '../../db/tables.ts';

/** A counter after one attempt: how many attempts its window holds, this one included, and when the window ends. */
export interface CountedAttempt {
  count: number;
  expiresAt: number;
}

/**
 * Counts one attempt on `key` at `now`, in one statement (`insert … on conflict do update … returning`), so attempts
 * from every instance at the same moment are counted one after the other on the row's lock and none is lost. A
 * counter whose window has ended starts again at 1 with a window ending at `windowEnd`. `fixed`: a running window
 * keeps its end (so many attempts per window); `sliding`: every attempt moves the end to `windowEnd` (counted until
 * that long after the last attempt).
 */
export async function countAttempt(db: Executor, key: string, now: number, windowEnd: number, window: 'fixed' | 'sliding'): Promise<CountedAttempt> {
  const ended = sql`${floodCounters.expiresAt} <= ${now}`;
  const [row] = await db
    .insert(floodCounters)
    .values({ key, count: 1, expiresAt: windowEnd })
    .onConflictDoUpdate({
      target: floodCounters.key,
      set: {
        count: sql`case when ${ended} then 1 else ${floodCounters.count} + 1 end`,
        expiresAt: window === 'sliding' ? sql`excluded.expires_at` : sql`case when ${ended} then excluded.expires_at else ${floodCounters.expiresAt} end`,
      },
    })
    .returning({ count: floodCounters.count, expiresAt: floodCounters.expiresAt });
  if (!row) throw new Error('The flood counter was not written.');
  return { count: Number(row.count), expiresAt: Number(row.expiresAt) };
}

/** When the running window of `key` ends, or undefined when it has none at `now`. */
export async function windowEndOf(db: Executor, key: string, now: number): Promise<number | undefined> {
  const [row] = await db
    .select({ expiresAt: floodCounters.expiresAt })
    .from(floodCounters)
    .where(and(eq(floodCounters.key, key), gt(floodCounters.expiresAt, now)))
    .limit(1);
  return row ? Number(row.expiresAt) : undefined;
}

/** Forgets `cleared` entirely and takes one attempt back from `returned` (both inside the caller's transaction). */
export async function clearAndGiveBack(db: Executor, cleared: string, returned: string): Promise<void> {
  await db.delete(floodCounters).where(or(eq(floodCounters.key, cleared), and(eq(floodCounters.key, returned), lte(floodCounters.count, 1))));
  await db
    .update(floodCounters)
    .set({ count: sql`${floodCounters.count} - 1` })
    .where(and(eq(floodCounters.key, returned), gt(floodCounters.count, 1)));
}

/** Deletes every counter whose window ended by `now` (they count as zero already); how many there were. */
export async function deleteEndedCounters(db: Executor, now: number): Promise<number> {
  return (await db.delete(floodCounters).where(lte(floodCounters.expiresAt, now)).returning({ key: floodCounters.key })).length;
}
