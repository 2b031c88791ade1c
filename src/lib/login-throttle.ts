/**
 * Slows down password guessing, per account and per client address: the first 5 attempts within 15 minutes cost
 * nothing extra; each further attempt waits 1, 2, 4, 8 seconds; after 9 failed attempts sign-in is refused (429)
 * until 15 minutes after the last one. `createLoginThrottle` counts in memory, for one process; on PostgreSQL the counts
 * live in the database, shared by every instance (flood-limits.ts).
 *
 * An attempt is counted when it starts, before its password is checked, so attempts that arrive together count each
 * other: however many are sent at once, at most 9 passwords per account and per address are checked in a window.
 * A successful sign-in clears its account's count and gives its address back the attempt it took.
 */
export const freeFailures = 5;
export const lockedAfter = 9;
export const throttleWindowMs = 15 * 60 * 1000;

/** What one sign-in attempt is counted against. */
export interface ThrottleKeys {
  account: string;
  address: string;
}

/** A reserved attempt: wait `wait` ms, check the password; it counts as a failure unless `succeeded()` is called. */
export interface Attempt {
  wait: number;
  succeeded(): Promise<void>;
}

export interface Throttle {
  /** Reserves one attempt on both keys, or answers 'locked' (reserving nothing) when either key is used up. */
  reserve(keys: ThrottleKeys): Promise<Attempt | 'locked'>;
}

/** How long an attempt waits when `earlier` attempts (the larger count of its two keys) are already counted. */
export function waitAfter(earlier: number): number {
  return earlier < freeFailures ? 0 : 1000 * 2 ** (earlier - freeFailures);
}

/** Entries kept before expired ones are swept out, so a flood of new addresses cannot grow the map without end. */
const sweepAbove = 10_000;

export function createLoginThrottle(clock: () => number = Date.now): Throttle {
  const attempts = new Map<string, { count: number; last: number }>();
  const countOf = (key: string) => {
    const entry = attempts.get(key);
    if (!entry) return 0;
    if (clock() - entry.last >= throttleWindowMs) {
      attempts.delete(key);
      return 0;
    }
    return entry.count;
  };
  const giveBack = (key: string) => {
    const entry = attempts.get(key);
    if (entry && entry.count > 1) entry.count -= 1;
    else attempts.delete(key);
  };
  return {
    async reserve({ account, address }) {
      // Read and written with no await in between: no other attempt can slip past this count.
      const count = Math.max(countOf(account), countOf(address));
      if (count >= lockedAfter) return 'locked';
      const now = clock();
      for (const key of [account, address]) attempts.set(key, { count: countOf(key) + 1, last: now });
      if (attempts.size > sweepAbove) for (const key of attempts.keys()) countOf(key);
      let settled = false;
      return {
        wait: waitAfter(count),
        async succeeded() {
          if (settled) return;
          settled = true;
          attempts.delete(account);
          giveBack(address);
        },
      };
    },
  };
}
