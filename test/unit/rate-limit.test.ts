import { describe, expect, test } from 'vitest';
import { createDailyLimiter, createRateLimiter } from '../../src/lib/rate-limit.ts';
import { createDecisionLimits } from '../../src/lib/consent-limits.ts';
import { memoryFloodLimits } from '../../src/lib/flood-limits.ts';

const minute = 60_000;
const hour = 60 * minute;

describe('createRateLimiter()', () => {
  test('retryAfterSeconds() is the time left in the key’s window, at least one second', async () => {
    let now = 0;
    const limiter = createRateLimiter(1, minute, () => now);
    expect(await limiter.allow('a')).toBe(true);
    now = 15_500;
    expect(await limiter.allow('a')).toBe(false);
    expect(await limiter.retryAfterSeconds('a')).toBe(45);
    now = minute - 10;
    expect(await limiter.retryAfterSeconds('a')).toBe(1);
    expect(await limiter.retryAfterSeconds('never-seen')).toBe(1);
  });
});

describe('createDecisionLimits()', () => {
  test('admits `perMinute` decisions a minute per visitor, then says how long to wait; other visitors are unaffected', async () => {
    let now = 0;
    const limits = createDecisionLimits(
      { perMinute: 3, perHour: 100 },
      memoryFloodLimits(() => now),
    );
    expect([await limits.admit('192.0.2.1'), await limits.admit('192.0.2.1'), await limits.admit('192.0.2.1')]).toEqual([0, 0, 0]);
    now = 20_000;
    expect(await limits.admit('192.0.2.1')).toBe(40);
    expect(await limits.admit('192.0.2.2')).toBe(0);
    now = minute;
    expect(await limits.admit('192.0.2.1')).toBe(0);
  });

  test('admits `perHour` decisions an hour per visitor, however they are spread over the minutes', async () => {
    let now = 0;
    const limits = createDecisionLimits(
      { perMinute: 2, perHour: 5 },
      memoryFloodLimits(() => now),
    );
    const admitted: number[] = [];
    for (let step = 0; step < 4; step += 1) {
      now = step * minute;
      admitted.push(await limits.admit('2001:db8::/64'), await limits.admit('2001:db8::/64'));
    }
    // The sixth decision, two minutes in, waits for the hour that started at 0 to end.
    expect(admitted).toEqual([0, 0, 0, 0, 0, (hour - 2 * minute) / 1000, (hour - 3 * minute) / 1000, (hour - 3 * minute) / 1000]);
  });
});

describe('createDailyLimiter()', () => {
  test('allows `limit` per key per UTC day, and again from the next day', async () => {
    let now = Date.UTC(2026, 2, 1, 23, 0);
    const once = createDailyLimiter(1, () => now);
    expect([await once.allow('192.0.2.1'), await once.allow('192.0.2.1'), await once.allow('192.0.2.2')]).toEqual([true, false, true]);
    expect(await once.retryAfterSeconds('192.0.2.1')).toBe(3600);
    now = Date.UTC(2026, 2, 1, 23, 59, 59);
    expect(await once.allow('192.0.2.1')).toBe(false);
    now = Date.UTC(2026, 2, 2, 0, 0, 1);
    expect([await once.allow('192.0.2.1'), await once.allow('192.0.2.1')]).toEqual([true, false]);
  });

  test('a higher limit allows that many', async () => {
    const thrice = createDailyLimiter(3, () => 0);
    expect(await Promise.all([1, 2, 3, 4].map(() => thrice.allow('k')))).toEqual([true, true, true, false]);
  });
});
