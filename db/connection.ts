import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { createPrivateFile, makePrivateFolder } from '../src/lib/private-files.ts';
import * as schema from './schema.ts';

export type PortalDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside `db.transaction((tx) => …)`: what a function that joins its caller's transaction takes. */
export type PortalTransaction = Parameters<Parameters<PortalDatabase['transaction']>[0]>[0];
/** Either the database or a transaction on it. */
export type Queryable = PortalDatabase | PortalTransaction;

/** The committed drizzle-kit migrations, relative to the project root the portal runs from. */
export const migrationsFolder = resolve(process.cwd(), 'db/migrations');

/**
 * Opens the SQLite database (`:memory:` for tests) with the settings proof records need: WAL so readers never
 * block the writer, synchronous=FULL so an answered write survives a power cut, a busy timeout instead of
 * instant SQLITE_BUSY errors, and enforced foreign keys. A new database file is made 0600 (its WAL and SHM follow), in
 * a folder made 0700 when it has to be made.
 */
export function openDatabase(path: string): PortalDatabase {
  if (path !== ':memory:') {
    makePrivateFolder(dirname(resolve(path)));
    createPrivateFile(path);
  }
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
  return drizzle({ client, schema });
}

/** Applies every committed migration that has not run yet. */
export function migrateDatabase(db: PortalDatabase, folder: string = migrationsFolder): void {
  migrate(db, { migrationsFolder: folder });
}

/** True when the database answers a trivial query. */
export function databaseAnswers(db: PortalDatabase): boolean {
  try {
    return db.$client.prepare('select 1 as ok').get() !== undefined;
  } catch {
    return false;
  }
}
