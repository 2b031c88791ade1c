import { createHmac, randomBytes } from 'node:crypto';

/**
 * Counts attempts per key in a fixed window (e.g. per client address): `allow()` is false once `limit` attempts
 * were made within `windowMs`. In memory, per process; old keys are swept as time passes.
 */
export function createRateLimiter(limit: number, windowMs: number, clock: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = clock();
  return {
    allow(key: string): boolean {
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
    /** Whole seconds until the key's window ends (at least 1): what a refusal's `Retry-After` says. */
    retryAfterSeconds(key: string): number {
      const window = windows.get(key);
      const left = window ? window.start + windowMs - clock() : 0;
      return Math.max(1, Math.ceil(left / 1000));
    },
  };
}

/**
 * Counts attempts per key per calendar day (UTC): `allow()` is false once `limit` attempts were made that day. The
 * map holds no key as given, only a keyed hash of the day and the key (the hash key is random per process and never
 * leaves memory), and it is emptied when the day turns, so it holds one day's visitors at most.
 */
export function createDailyLimiter(limit: number, clock: () => number = Date.now) {
  const secret = randomBytes(32);
  const counts = new Map<string, number>();
  let today = '';
  return {
    allow(key: string): boolean {
      const day = new Date(clock()).toISOString().slice(0, 10);
      if (day !== today) {
        counts.clear();
        today = day;
      }
      const hashed = createHmac('sha256', secret).update(`${day}\n${key}`).digest('base64url').slice(0, 22);
      const count = (counts.get(hashed) ?? 0) + 1;
      if (count <= limit + 1) counts.set(hashed, count);
      return count <= limit;
    },
  };
}
