import { createHmac, randomBytes } from 'node:crypto';

/**
 * Counts attempts per key (a client address, a hashed email): `allow()` is false once the limit is used up in the
 * key's window. Async because on PostgreSQL the count lives in the database, shared by every instance (see
 * flood-limits.ts); the in-memory limiters below count for one process.
 */
export interface RateLimiter {
  /** Counts one attempt on `key`: true while it is within the limit. */
  allow(key: string): Promise<boolean>;
  /** Whole seconds until the key's window ends (at least 1): what a refusal's `Retry-After` says. */
  retryAfterSeconds(key: string): Promise<number>;
}

/** Whole seconds until `end` (at least 1). */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}

/** The UTC day of `now` (`2026-03-01`) and the instant the next one starts. */
export function utcDayOf(now: number): { day: string; ends: number } {
  const day = new Date(now).toISOString().slice(0, 10);
  return { day, ends: Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000 };
}

/**
 * Counts attempts per key in a fixed window that starts at the key's first attempt (e.g. per client address): `allow()`
 * is false once `limit` attempts were made within `windowMs`. In memory, per process; old keys are swept as time passes.
 */
export function createRateLimiter(limit: number, windowMs: number, clock: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = clock();
  return {
    // Counted before the returned promise is awaited: attempts that arrive together count each other.
    async allow(key) {
      const now = clock();
      if (now - lastSweep > windowMs) {
        for (const [stale, window] of windows) if (now - window.start >= windowMs) windows.delete(stale);
        lastSweep = now;
      }
      const window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      window.count += 1;
      return window.count <= limit;
    },
    async retryAfterSeconds(key) {
      const window = windows.get(key);
      return window ? secondsUntil(window.start + windowMs, clock()) : 1;
    },
  };
}

/**
 * Counts attempts per key per calendar day (UTC): `allow()` is false once `limit` attempts were made that day. The
 * map holds no key as given, only a keyed hash of the day and the key (the hash key is random per process and never
 * leaves memory), and it is emptied when the day turns, so it holds one day's visitors at most.
 */
export function createDailyLimiter(limit: number, clock: () => number = Date.now): RateLimiter {
  const secret = randomBytes(32);
  const counts = new Map<string, number>();
  let today = '';
  return {
    async allow(key) {
      const { day } = utcDayOf(clock());
      if (day !== today) {
        counts.clear();
        today = day;
      }
      const hashed = createHmac('sha256', secret).update(`${day}\n${key}`).digest('base64url').slice(0, 22);
      const count = (counts.get(hashed) ?? 0) + 1;
      if (count <= limit + 1) counts.set(hashed, count);
      return count <= limit;
    },
    async retryAfterSeconds() {
      const now = clock();
      return secondsUntil(utcDayOf(now).ends, now);
    },
  };
}
