// A TOTP code signs in once, however many instances it is sent to at the same moment.
import { describe, expect, test, vi } from 'vitest';
import { createDpoUser, useTotpStep } from '../../src/lib/dpo.repo.ts';
import { twoInstancesForTheseTests } from '../support/postgres-instances.ts';
import { postgresReachable } from '../support/postgres.ts';

vi.hoisted(() => {
  process.env.DATABASE_URL = 'postgres://the-repositories-use-postgresql-tables';
});

const reachable = await postgresReachable();

describe.skipIf(!reachable)('useTotpStep() on two instances', () => {
  const instances = twoInstancesForTheseTests();

  test('one TOTP step tried 20 times at once through both instances signs in exactly once', async () => {
    const user = await instances.a.transaction((tx) =>
      createDpoUser(tx, { email: 'dpo@ostria.example', passwordHash: 'scrypt$…', totpSecret: 'sealed', locale: 'el', now: Date.now() }),
    );
    await instances.warmUp();
    const step = 59_000_000;
    // Five codes in a row, each sent 20 times at once (a replayed code, a double-clicked form on two instances).
    for (let round = 0; round < 5; round += 1) {
      const uses = await Promise.all(Array.from({ length: 20 }, (_, index) => useTotpStep(index % 2 ? instances.a : instances.b, user.id, step + round)));
      expect(uses.filter(Boolean)).toHaveLength(1);
    }
    expect(await useTotpStep(instances.a, user.id, step)).toBe(false);
    expect(await useTotpStep(instances.b, user.id, step + 5)).toBe(true);
  });
});
