// Flood limits and the DPO sign-in throttle with two portal instances on one PostgreSQL database: a visitor has one
// budget and an account one count, whichever instance the load balancer sends each attempt to.
import { describe, expect, test, vi } from 'vitest';
import { createDecisionLimits } from '../../src/lib/consent-limits.ts';
import { floodLimitsFor } from '../../src/lib/flood-limits.ts';
import { lockedAfter, throttleWindowMs, type Attempt } from '../../src/lib/login-throttle.ts';
import { twoInstancesForTheseTests } from '../support/postgres-instances.ts';
import { postgresReachable } from '../support/postgres.ts';

vi.hoisted(() => {
  process.env.DATABASE_URL = 'postgres://the-repositories-use-postgresql-tables';
});

const reachable = await postgresReachable();
const secret = 'the portal secret every instance shares, 32+ chars';
const waitOf = (attempt: Attempt | 'locked') => (attempt === 'locked' ? 'locked' : attempt.wait);

describe.skipIf(!reachable)('flood limits shared by two instances', () => {
  const instances = twoInstancesForTheseTests();
  const limitsOn = (store: typeof instances.a, clock: () => number) => floodLimitsFor(store, { secret, clock });

  test('a visitor allowed 3 decisions a minute gets 2 through instance A and 1 through B; the 4th is refused on B with Retry-After', async () => {
    let now = Date.UTC(2026, 11, 3, 12, 0, 0);
    const settings = { perMinute: 3, perHour: 100 };
    const [a, b] = [
      createDecisionLimits(
        settings,
        limitsOn(instances.a, () => now),
      ),
      createDecisionLimits(
        settings,
        limitsOn(instances.b, () => now),
      ),
    ];
    const visitor = '192.0.2.1';
    expect(await a.admit(visitor)).toBe(0);
    expect(await a.admit(visitor)).toBe(0);
    expect(await b.admit(visitor)).toBe(0);
    now += 20_000;
    expect(await b.admit(visitor)).toBe(40);
    expect(await a.admit(visitor)).toBe(40);
    expect(await a.admit('192.0.2.2')).toBe(0);
    now += 40_000;
    expect(await b.admit(visitor)).toBe(0);
  });

  test('20 decisions of one visitor sent at once to both instances: exactly the minute’s 3 are admitted', async () => {
    const now = Date.UTC(2026, 11, 3, 13, 0, 0);
    const settings = { perMinute: 3, perHour: 100 };
    const [a, b] = [
      createDecisionLimits(
        settings,
        limitsOn(instances.a, () => now),
      ),
      createDecisionLimits(
        settings,
        limitsOn(instances.b, () => now),
      ),
    ];
    const waits = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? a : b).admit('198.51.100.20')));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
    expect(waits.filter((wait) => wait === 60)).toHaveLength(17);
  });

  test('a daily limit (GPC records) is shared too, and starts again the next UTC day', async () => {
    let now = Date.UTC(2026, 11, 3, 23, 0, 0);
    const [a, b] = [limitsOn(instances.a, () => now).perDay('gpc-records', 1), limitsOn(instances.b, () => now).perDay('gpc-records', 1)];
    expect(await a.allow('203.0.113.5')).toBe(true);
    expect(await b.allow('203.0.113.5')).toBe(false);
    expect(await b.retryAfterSeconds('203.0.113.5')).toBe(3600);
    now = Date.UTC(2026, 11, 4, 0, 0, 1);
    expect(await b.allow('203.0.113.5')).toBe(true);
  });

  test('the shared table holds keyed hashes only: no address, no email, not even hashed without the secret', async () => {
    await instances.a.handle.$client.query('delete from flood_counters');
    const flood = limitsOn(instances.a, Date.now);
    await flood.perWindow('requests-address', 10, 60_000).allow('2001:db8:1234:5678::/64');
    await flood.perWindow('requests-email', 10, 60_000).allow('anna@example.pl');
    const { rows } = await instances.a.handle.$client.query<{ key: string }>('select key from flood_counters');
    expect(rows).toHaveLength(2);
    const stored = rows.map((row) => row.key).join(' ');
    expect(stored).not.toMatch(/2001:db8|anna|example\.pl|192\.0\.2/);
    expect(rows.every((row) => /^[A-Za-z0-9_-]{43}$/.test(row.key))).toBe(true);
  });

  test('on PostgreSQL the counters need the portal secret', () => {
    expect(() => floodLimitsFor(instances.a, { secret: undefined })).toThrow(/PORTAL_SECRET is required with DATABASE_URL/);
  });
});

describe.skipIf(!reachable)('the DPO sign-in throttle shared by two instances', () => {
  const instances = twoInstancesForTheseTests();
  const throttleOn = (store: typeof instances.a, clock: () => number) => floodLimitsFor(store, { secret, clock }).signInThrottle();
  const keys = { account: 'account:dpo@ostria.example', address: 'address:203.0.113.9' };

  test('failures spread over both instances lock the account on both, until 15 minutes after the last one', async () => {
    let now = Date.UTC(2026, 11, 3, 12, 0, 0);
    const [a, b] = [throttleOn(instances.a, () => now), throttleOn(instances.b, () => now)];
    const waits: (number | 'locked')[] = [];
    // Each from another address, so only the account's count can lock it.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      waits.push(waitOf(await (attempt % 2 ? b : a).reserve({ account: keys.account, address: `address:192.0.2.${attempt}` })));
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000, 'locked']);
    expect(await a.reserve({ account: keys.account, address: 'address:192.0.2.100' })).toBe('locked');
    now += throttleWindowMs - 1;
    expect(await b.reserve({ account: keys.account, address: 'address:192.0.2.101' })).toBe('locked');
    now += 1;
    expect(waitOf(await b.reserve({ account: keys.account, address: 'address:192.0.2.102' }))).toBe(0);
  });

  test('30 attempts on one account sent at once to both instances: exactly 9 are reserved', async () => {
    const now = Date.UTC(2026, 11, 3, 14, 0, 0);
    const [a, b] = [throttleOn(instances.a, () => now), throttleOn(instances.b, () => now)];
    const account = 'account:guessed@ostria.example';
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 ? a : b).reserve({ account, address: `address:198.51.100.${index}` })),
    );
    expect(attempts.filter((attempt) => attempt !== 'locked')).toHaveLength(lockedAfter);
    expect(
      attempts
        .map(waitOf)
        .filter((wait) => wait !== 'locked')
        .sort((x, y) => Number(x) - Number(y)),
    ).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000]);
  });

  test('a success on one instance clears the account for the other and gives the address back its attempt', async () => {
    const now = Date.UTC(2026, 11, 3, 15, 0, 0);
    const [a, b] = [throttleOn(instances.a, () => now), throttleOn(instances.b, () => now)];
    const account = 'account:colleague@ostria.example';
    for (let attempt = 0; attempt < 6; attempt += 1) await a.reserve({ account, address: keys.address });
    const right = await b.reserve({ account, address: keys.address });
    expect(waitOf(right)).toBe(2000);
    if (right === 'locked') return;
    await right.succeeded();
    await right.succeeded();
    // The account starts again; the address keeps its six failures, so its next attempt is the seventh.
    expect(waitOf(await a.reserve({ account, address: 'address:192.0.2.250' }))).toBe(0);
    expect(waitOf(await a.reserve({ account: 'account:other@ostria.example', address: keys.address }))).toBe(2000);
  });
});
