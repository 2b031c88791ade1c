import { createHmac } from 'node:crypto';
import type { Store } from '../../db/store.ts';
import { clearAndGiveBack, countAttempt, deleteEndedCounters, windowEndOf } from './flood-counters.repo.ts';
import { createLoginThrottle, lockedAfter, throttleWindowMs, waitAfter, type Throttle } from './login-throttle.ts';
import { createDailyLimiter, createRateLimiter, secondsUntil, utcDayOf, type RateLimiter } from './rate-limit.ts';

/**
 * Where the portal's flood limits and its sign-in throttle count, chosen once per process (`floodLimitsFor`): in
 * memory on the SQLite store (one process by design), in the database on PostgreSQL, so N instances behind a load
 * balancer give a visitor one budget, not N. Each limit has a name of its own (`consent-minute`), which keeps the
 * counts of different limits apart in the shared table.
 */
export interface FloodLimits {
  /** `limit` attempts per key in a window of `windowMs` that starts at the key's first attempt. */
  perWindow(name: string, limit: number, windowMs: number): RateLimiter;
  /** `limit` attempts per key per calendar day (UTC). */
  perDay(name: string, limit: number): RateLimiter;
  /** The DPO sign-in throttle (login-throttle.ts). */
  signInThrottle(): Throttle;
}

export function memoryFloodLimits(clock: () => number = Date.now): FloodLimits {
  return {
    perWindow: (_name, limit, windowMs) => createRateLimiter(limit, windowMs, clock),
    perDay: (_name, limit) => createDailyLimiter(limit, clock),
    signInThrottle: () => createLoginThrottle(clock),
  };
}

/** Ended counters are deleted at most this often per instance, by whichever attempt comes first after it. */
const sweepEveryMs = 60_000;

/**
 * Flood limits counted in the store's `flood_counters` table (see flood-counters.repo.ts), one atomic statement per
 * attempt. A key is stored only as an HMAC with `secret` of the limit's name and the key, so the table never holds an
 * address or an email, and every instance (sharing the portal secret) counts the same visitor under the same row.
 */
export function databaseFloodLimits(store: Store, secret: string, clock: () => number = Date.now): FloodLimits {
  const rowKey = (name: string, key: string) => createHmac('sha256', secret).update(`${name}\n${key}`).digest('base64url');
  let lastSweep = clock();
  const sweep = async (now: number) => {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    await store.read((db) => deleteEndedCounters(db, now));
  };
  // One statement, atomic on its own: it needs no transaction around it (on PostgreSQL it runs in autocommit).
  const count = async (key: string, windowEnd: number, now: number) => {
    await sweep(now);
    return store.read((db) => countAttempt(db, key, now, windowEnd, 'fixed'));
  };
  const limiter = (limit: number, keyOf: (key: string, now: number) => string, windowEndAt: (now: number) => number): RateLimiter => ({
    async allow(key) {
      const now = clock();
      return (await count(keyOf(key, now), windowEndAt(now), now)).count <= limit;
    },
    async retryAfterSeconds(key) {
      const now = clock();
      const end = await store.read((db) => windowEndOf(db, keyOf(key, now), now));
      return end === undefined ? 1 : secondsUntil(end, now);
    },
  });

  return {
    perWindow: (name, limit, windowMs) =>
      limiter(
        limit,
        (key) => rowKey(name, key),
        (now) => now + windowMs,
      ),
    // The day is part of the key: yesterday's row is left to end and be swept.
    perDay: (name, limit) =>
      limiter(
        limit,
        (key, now) => rowKey(`${name}:${utcDayOf(now).day}`, key),
        (now) => utcDayOf(now).ends,
      ),
    signInThrottle: () => databaseSignInThrottle(store, (key) => rowKey('sign-in', key), clock),
  };
}

const locked = Symbol('locked');

/**
 * The sign-in throttle of login-throttle.ts with its counts in the database. Both keys are counted in one transaction
 * (in a fixed order, so two attempts never wait on each other's rows); when either was used up the transaction rolls
 * back, reserving nothing. Each count is held until `throttleWindowMs` after its last attempt.
 */
function databaseSignInThrottle(store: Store, rowKey: (key: string) => string, clock: () => number): Throttle {
  return {
    async reserve({ account, address }) {
      const accountKey = rowKey(account);
      const addressKey = rowKey(address);
      const now = clock();
      let earlier: number;
      try {
        earlier = await store.transaction(async (tx) => {
          let most = 0;
          for (const key of [accountKey, addressKey].sort()) {
            const counted = await countAttempt(tx, key, now, now + throttleWindowMs, 'sliding');
            most = Math.max(most, counted.count - 1);
          }
          if (most >= lockedAfter) throw locked;
          return most;
        });
      } catch (error) {
        if (error === locked) return 'locked';
        throw error;
      }
      let settled = false;
      return {
        wait: waitAfter(earlier),
        async succeeded() {
          if (settled) return;
          settled = true;
          await store.transaction((tx) => clearAndGiveBack(tx, accountKey, addressKey));
        },
      };
    },
  };
}

/**
 * The flood limits for the process's store: in memory on SQLite, in the database on PostgreSQL, where `secret` (the
 * portal secret, the same on every instance) is required to key the counters.
 */
export function floodLimitsFor(store: Store, options: { secret: string | undefined; clock?: () => number }): FloodLimits {
  if (store.dialect === 'sqlite') return memoryFloodLimits(options.clock);
  if (!options.secret) throw new Error('PORTAL_SECRET is required with DATABASE_URL: every instance keys the shared flood counters with it.');
  return databaseFloodLimits(store, options.secret, options.clock);
}
