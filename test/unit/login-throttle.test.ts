import { describe, expect, test } from 'vitest';
import { createLoginThrottle, throttleWindowMs } from '../../src/lib/login-throttle.ts';

describe('sign-in throttling', () => {
  test('5 free failures, then growing delays, then refusal until 15 minutes after the last failure', () => {
    let now = 0;
    const throttle = createLoginThrottle(() => now);
    const keys = ['account:dpo@ostria.example', 'address:203.0.113.9'];
    const waits: (number | 'locked')[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      waits.push(throttle.before(keys));
      throttle.failed(keys);
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000, 'locked']);
    now += throttleWindowMs - 1;
    expect(throttle.before(keys)).toBe('locked');
    now += 1;
    expect(throttle.before(keys)).toBe(0);
  });

  test('the address counts across accounts; success clears the account, not the address', () => {
    const throttle = createLoginThrottle(() => 0);
    for (let index = 0; index < 6; index += 1) throttle.failed([`account:a${index}@example.com`, 'address:198.51.100.7']);
    expect(throttle.before(['account:new@example.com', 'address:198.51.100.7'])).toBe(2000);
    expect(throttle.before(['account:new@example.com', 'address:192.0.2.1'])).toBe(0);
    throttle.succeeded('account:a1@example.com');
    expect(throttle.before(['account:a1@example.com', 'address:192.0.2.1'])).toBe(0);
  });
});
