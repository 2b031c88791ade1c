import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createLoginThrottle, lockedAfter, throttleWindowMs, type Attempt } from '../../src/lib/login-throttle.ts';

const keys = { account: 'account:dpo@ostria.example', address: 'address:203.0.113.9' };
const waitOf = (attempt: Attempt | 'locked') => (attempt === 'locked' ? 'locked' : attempt.wait);

describe('sign-in throttling', () => {
  test('5 free attempts, then growing delays, then refusal until 15 minutes after the last failure', async () => {
    let now = 0;
    const throttle = createLoginThrottle(() => now);
    const waits: (number | 'locked')[] = [];
    // One after another, each failing (a reserved attempt that never succeeds is a failure).
    for (let attempt = 0; attempt < 10; attempt += 1) waits.push(waitOf(await throttle.reserve(keys)));
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000, 'locked']);
    now += throttleWindowMs - 1;
    expect(await throttle.reserve(keys)).toBe('locked');
    now += 1;
    expect(waitOf(await throttle.reserve(keys))).toBe(0);
  });

  test('41 attempts started before any is checked: 9 are reserved, the other 32 refused, the last (right) one too', async () => {
    const throttle = createLoginThrottle(() => 0);
    const attempts = await Promise.all(Array.from({ length: 41 }, () => throttle.reserve(keys)));
    expect(attempts.filter((attempt) => attempt !== 'locked')).toHaveLength(lockedAfter);
    expect(attempts.slice(0, lockedAfter).map(waitOf)).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000]);
    expect(attempts.slice(lockedAfter).every((attempt) => attempt === 'locked')).toBe(true);
  });

  test('the address is counted across accounts even while every attempt is still pending', async () => {
    const throttle = createLoginThrottle(() => 0);
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, index) => throttle.reserve({ account: `account:a${index}@example.com`, address: 'address:198.51.100.7' })),
    );
    expect(attempts.map(waitOf)).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000, 'locked', 'locked', 'locked']);
    expect(waitOf(await throttle.reserve({ account: 'account:new@example.com', address: 'address:192.0.2.1' }))).toBe(0);
  });

  test('one account guessed from many addresses at once is counted on the account', async () => {
    const throttle = createLoginThrottle(() => 0);
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, index) => throttle.reserve({ account: keys.account, address: `address:192.0.2.${index}` })),
    );
    expect(attempts.filter((attempt) => attempt !== 'locked')).toHaveLength(lockedAfter);
    expect(await throttle.reserve({ account: keys.account, address: 'address:192.0.2.200' })).toBe('locked');
  });

  test('a success clears its account and gives its address back one attempt; failures in flight stay counted', async () => {
    const throttle = createLoginThrottle(() => 0);
    const address = 'address:198.51.100.8';
    // Six failed guesses at the DPO's account from elsewhere: the DPO's own next attempt would wait.
    for (let index = 0; index < 6; index += 1) await throttle.reserve({ account: 'account:dpo@example.com', address: `address:192.0.2.${index}` });
    // Four attempts from the DPO's address at other accounts, still being checked, then the DPO's own.
    const pending = await Promise.all(Array.from({ length: 4 }, (_, index) => throttle.reserve({ account: `account:x${index}@example.com`, address })));
    const right = await throttle.reserve({ account: 'account:dpo@example.com', address });
    expect(pending.map(waitOf)).toEqual([0, 0, 0, 0]);
    expect(waitOf(right)).toBe(2000);
    if (right === 'locked') return;
    await right.succeeded();
    await right.succeeded();
    // The account starts again from nothing; the address keeps its four pending attempts: its next is the fifth.
    expect(waitOf(await throttle.reserve({ account: 'account:dpo@example.com', address: 'address:192.0.2.99' }))).toBe(0);
    expect(waitOf(await throttle.reserve({ account: 'account:y@example.com', address }))).toBe(0);
    expect(waitOf(await throttle.reserve({ account: 'account:z@example.com', address }))).toBe(1000);
  });

  test('in any interleaving of attempts and outcomes, at most 9 failed or pending attempts per account and per address', async () => {
    const operation = fc.oneof(
      fc.record({ start: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })) }),
      fc.record({ succeed: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 120 }), async (operations) => {
        const throttle = createLoginThrottle(() => 0);
        const pending: { account: string; address: string; attempt: Attempt }[] = [];
        // Per key: attempts that failed or are still pending (an account's count starts again on its success).
        const open = new Map<string, number>();
        const bump = (key: string, by: number) => open.set(key, (open.get(key) ?? 0) + by);
        for (const step of operations) {
          if ('start' in step) {
            const [account, address] = [`account:${step.start[0]}`, `address:${step.start[1]}`];
            const attempt = await throttle.reserve({ account, address });
            if (attempt === 'locked') continue;
            pending.push({ account, address, attempt });
            bump(account, 1);
            bump(address, 1);
            expect(open.get(account)).toBeLessThanOrEqual(lockedAfter);
            expect(open.get(address)).toBeLessThanOrEqual(lockedAfter);
          } else if (pending.length > 0) {
            const [done] = pending.splice(step.succeed % pending.length, 1);
            if (!done) continue;
            await done.attempt.succeeded();
            open.set(done.account, 0);
            bump(done.address, -1);
          }
        }
      }),
    );
  });

  test('a correct sign-in from another address to another account is not slowed by a locked one', async () => {
    const throttle = createLoginThrottle(() => 0);
    for (let attempt = 0; attempt < 20; attempt += 1) await throttle.reserve(keys);
    const bystander = await throttle.reserve({ account: 'account:colleague@ostria.example', address: 'address:192.0.2.77' });
    expect(waitOf(bystander)).toBe(0);
  });
});
