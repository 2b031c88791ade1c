// The local outbox (OUTBOX_DIR) is one machine's folder: on PostgreSQL without SMTP_URL only one instance may use it.
import { describe, expect, test } from 'vitest';
import { migrationsLockKey } from '../../db/postgres/connection.ts';
import { holdLocalOutbox, localOutboxLockKey, localOutboxTaken } from '../../db/postgres/outbox-lock.ts';
import { consentChainLockKey } from '../../db/postgres/schema.ts';
import { databaseForTheseTests, postgresReachable } from '../support/postgres.ts';

const reachable = await postgresReachable();

describe.skipIf(!reachable)('holdLocalOutbox()', () => {
  const database = databaseForTheseTests();

  test('a second instance without SMTP_URL is refused while the first holds the outbox; once it stops, another may', async () => {
    const environment = { DATABASE_URL: database.url };
    const first = await holdLocalOutbox(environment);
    expect(first).toBeDefined();
    await expect(holdLocalOutbox(environment)).rejects.toThrow(localOutboxTaken);
    expect(localOutboxTaken).toBe("several instances need SMTP_URL: the local outbox is one machine's folder");
    await first?.release();
    const next = await holdLocalOutbox(environment);
    expect(next).toBeDefined();
    await next?.release();
  });

  test('with SMTP_URL, or on SQLite, nothing is held and any number of instances start', async () => {
    const first = await holdLocalOutbox({ DATABASE_URL: database.url });
    try {
      expect(await holdLocalOutbox({ DATABASE_URL: database.url, SMTP_URL: 'smtp://mail.example:587' })).toBeUndefined();
      expect(await holdLocalOutbox({ DATABASE_URL: undefined })).toBeUndefined();
    } finally {
      await first?.release();
    }
  });

  test('its lock is neither the migrations’ nor the consent chain’s', () => {
    expect(new Set([localOutboxLockKey, migrationsLockKey, consentChainLockKey]).size).toBe(3);
  });
});
