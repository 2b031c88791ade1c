import { join } from 'node:path';
import { migrateDatabase, openDatabase, type PortalDatabase } from '../../db/connection.ts';

/** A fresh in-memory database with every committed migration applied, as the db tests start from. */
export function migratedDatabase(): PortalDatabase {
  const db = openDatabase(':memory:');
  migrateDatabase(db, join(import.meta.dirname, '../../db/migrations'));
  return db;
}
