/**
 * Slows down password guessing, per account and per client address: the first 5 failures within 15 minutes cost
 * nothing extra; each further attempt waits 1, 2, 4, 8 seconds; after 9 failures sign-in is refused (429) until 15
 * minutes after the last failure. A successful sign-in clears the account's count. In memory, per process.
 */
export const freeFailures = 5;
export const lockedAfter = 9;
export const throttleWindowMs = 15 * 60 * 1000;

export interface Throttle {
  /** Milliseconds to wait before checking this attempt, or 'locked'. */
  before(keys: readonly string[]): number | 'locked';
  failed(keys: readonly string[]): void;
  succeeded(key: string): void;
}

export function createLoginThrottle(clock: () => number = Date.now): Throttle {
  const failures = new Map<string, { count: number; last: number }>();
  const countOf = (key: string) => {
    const entry = failures.get(key);
    if (!entry) return 0;
    if (clock() - entry.last >= throttleWindowMs) {
      failures.delete(key);
      return 0;
    }
    return entry.count;
  };
  return {
    before(keys) {
      const count = Math.max(0, ...keys.map(countOf));
      if (count >= lockedAfter) return 'locked';
      return count < freeFailures ? 0 : 1000 * 2 ** (count - freeFailures);
    },
    failed(keys) {
      for (const key of keys) failures.set(key, { count: countOf(key) + 1, last: clock() });
      if (failures.size > 10_000) for (const key of failures.keys()) countOf(key);
    },
    succeeded(key) {
      failures.delete(key);
    },
  };
}
