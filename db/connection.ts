import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { and, eq, isNull } from 'drizzle-orm';
import { emailLookupKey, marketingLookupKey } from '../src/lib/email-address.ts';
import { nameSearchKey } from '../src/lib/search-text.ts';
import { createPrivateFile, makePrivateFolder } from '../src/lib/private-files.ts';
import * as schema from './schema.ts';
import { closePostgresDatabase, migratePostgresDatabase, openPostgresDatabase, type PostgresOptions } from './postgres/connection.ts';
import { postgresStore } from './postgres/store.ts';
import { sqliteStore, type SqliteStore, type Store } from './store.ts';

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

/**
 * Applies every committed migration that has not run yet, then fills the lookup forms of addresses (see
 * `backfillLookupKeys`).
 */
export function migrateDatabase(db: PortalDatabase, folder: string = migrationsFolder): void {
  migrate(db, { migrationsFolder: folder });
  backfillLookupKeys(db);
}

/**
 * Fills the lookup form of every request's email and marketing address that has none (rows written before the lookup
 * columns existed). SQLite cannot case-fold beyond ASCII and drizzle migrations are SQL only, so the fold runs here,
 * in JavaScript, at start-up: idempotent (only null keys are filled), one transaction, so a crash leaves every row
 * either filled or still null for the next start.
 */
export function backfillLookupKeys(db: PortalDatabase): void {
  // A database migrated only as far as an older version (the schema check's tests, a restore) has no columns to fill.
  const columns = db.$client.prepare("select name from pragma_table_info('requests')").all() as { name: string }[];
  if (!columns.some((column) => column.name === 'email_key')) return;
  db.transaction((tx) => {
    for (const row of tx.select({ id: schema.requests.id, email: schema.requests.email }).from(schema.requests).where(isNull(schema.requests.emailKey)).all()) {
      tx.update(schema.requests)
        .set({ emailKey: emailLookupKey(row.email) })
        .where(eq(schema.requests.id, row.id))
        .run();
    }
    if (columns.some((column) => column.name === 'name_key')) {
      const unfolded = and(isNull(schema.requests.nameKey), isNull(schema.requests.anonymisedAt));
      for (const row of tx.select({ id: schema.requests.id, name: schema.requests.name }).from(schema.requests).where(unfolded).all()) {
        tx.update(schema.requests)
          .set({ nameKey: nameSearchKey(row.name) })
          .where(eq(schema.requests.id, row.id))
          .run();
      }
    }
    const subscriptions = schema.marketingSubscriptions;
    for (const row of tx
      .select({ id: subscriptions.id, channel: subscriptions.channel, address: subscriptions.address })
      .from(subscriptions)
      .where(isNull(subscriptions.addressKey))
      .all()) {
      tx.update(subscriptions)
        .set({ addressKey: marketingLookupKey(row.channel, row.address) })
        .where(eq(subscriptions.id, row.id))
        .run();
    }
  });
}

/** What names the portal's store in its environment. */
export interface StoreLocation {
  DATABASE_PATH: string;
  DATABASE_URL?: string | undefined;
}

/**
 * The portal's store as the environment names it: PostgreSQL when `DATABASE_URL` is set, else the SQLite file at
 * `DATABASE_PATH`. Pages and scripts open their store through this, so they never depend on which one it is.
 */
export function openStore(environment: StoreLocation, options: PostgresOptions = {}): Store {
  if (environment.DATABASE_URL) return postgresStore(openPostgresDatabase(environment.DATABASE_URL, options));
  return openSqliteStore(environment.DATABASE_PATH);
}

/** How the store is named to an operator: the SQLite path, or the PostgreSQL server and database (never the password). */
export function storeName(environment: StoreLocation): string {
  if (!environment.DATABASE_URL) return environment.DATABASE_PATH;
  const url = new URL(environment.DATABASE_URL);
  return `postgres://${url.host}${url.pathname}`;
}

/**
 * The store as `openStore` opens it, with every committed migration applied first (a script that may be the first
 * thing run against a new database; on PostgreSQL under the migrations' advisory lock).
 */
export async function openMigratedStore(environment: StoreLocation): Promise<Store> {
  if (!environment.DATABASE_URL) return openSqliteStore(environment.DATABASE_PATH, { migrate: true });
  const handle = openPostgresDatabase(environment.DATABASE_URL);
  try {
    await migratePostgresDatabase(handle);
  } catch (error) {
    await closePostgresDatabase(handle);
    throw error;
  }
  return postgresStore(handle);
}

/** Opens the SQLite store at `path` (see `openDatabase`); with `migrate`, applies the committed migrations first. */
export function openSqliteStore(path: string, options: { migrate?: boolean; migrationsFolder?: string } = {}): SqliteStore {
  const db = openDatabase(path);
  if (options.migrate) migrateDatabase(db, options.migrationsFolder);
  return sqliteStore(db);
}
