import { join } from 'node:path';
import { migrateDatabase, openDatabase, openSqliteStore, type PortalDatabase } from '../../db/connection.ts';
import type { SqliteStore } from '../../db/store.ts';

const migrationsFolder = join(import.meta.dirname, '../../db/migrations');

/** A fresh in-memory database with every committed migration applied, for tests of the SQLite file itself. */
export function migratedDatabase(): PortalDatabase {
  const db = openDatabase(':memory:');
  migrateDatabase(db, migrationsFolder);
  return db;
}

/**
 * A fresh in-memory store with every committed migration applied, as the db tests start from. Its `handle` is there
 * for raw checks of the SQLite file (triggers, stored bytes); repository calls go through the store.
 */
export function migratedStore(): SqliteStore {
  return openSqliteStore(':memory:', { migrate: true, migrationsFolder });
}
