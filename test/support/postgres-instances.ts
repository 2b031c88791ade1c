import { afterAll, beforeAll } from 'vitest';
import { migratePostgresDatabase, openPostgresDatabase } from '../../db/postgres/connection.ts';
import { postgresStore, type PostgresStore } from '../../db/postgres/store.ts';
import { tablesDialect } from '../../db/tables.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

/**
 * Two portal instances on one fresh, migrated PostgreSQL database (one per test file): two stores, each on a pool of
 * its own, as two processes behind a load balancer have them. Closed after the file's tests.
 *
 * The repositories take their tables from db/tables.ts, which picks PostgreSQL's when DATABASE_URL is set as it is
 * first imported: a test file that runs them here sets it first, in `vi.hoisted` (run before the file's imports).
 */
export interface TwoInstances {
  readonly a: PostgresStore;
  readonly b: PostgresStore;
  /** Opens every connection of both pools, so attempts sent at once start together rather than one per new connection. */
  warmUp(): Promise<void>;
}

export function twoInstancesForTheseTests(): TwoInstances {
  let database: TestDatabase | undefined;
  let stores: [PostgresStore, PostgresStore] | undefined;
  beforeAll(async () => {
    if (tablesDialect !== 'postgres') throw new Error('set DATABASE_URL in vi.hoisted: the repositories would query SQLite’s tables');
    database = await createTestDatabase();
    const [a, b] = [openPostgresDatabase(database.url), openPostgresDatabase(database.url)];
    await migratePostgresDatabase(a);
    stores = [postgresStore(a), postgresStore(b)];
  });
  // The pools first: dropping the database would cut their connections.
  afterAll(async () => {
    await Promise.all((stores ?? []).map((store) => store.close()));
    await database?.drop();
  });
  const opened = () => {
    if (!stores) throw new Error('the instances are opened in beforeAll');
    return stores;
  };
  return {
    get a() {
      return opened()[0];
    },
    get b() {
      return opened()[1];
    },
    async warmUp() {
      await Promise.all(opened().flatMap((store) => Array.from({ length: 10 }, () => store.handle.$client.query('select pg_sleep(0.05)'))));
    },
  };
}
