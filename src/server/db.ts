import { migrateDatabase, openDatabase, type PortalDatabase } from '../../db/connection.ts';
import { getEnvironment } from './environment.ts';

let database: PortalDatabase | undefined;

/** The portal's database, opened and migrated on first use. */
export function getDatabase(): PortalDatabase {
  if (!database) {
    database = openDatabase(getEnvironment().DATABASE_PATH);
    migrateDatabase(database);
  }
  return database;
}
