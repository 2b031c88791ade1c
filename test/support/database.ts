// The stores the db tests run on. The `db` project runs them on SQLite (in memory), the `db-postgres` project runs the
// same files on PostgreSQL (TEST_STORE=postgres; db/tables.ts then picks PostgreSQL's tables): each test gets a fresh
// database copied from one migrated template, dropped afterwards.
import { join } from 'node:path';
import pg from 'pg';
import { migrateDatabase, openDatabase, openSqliteStore, type PortalDatabase } from '../../db/connection.ts';
import { migratePostgresDatabase, openPostgresDatabase } from '../../db/postgres/connection.ts';
import { postgresStore } from '../../db/postgres/store.ts';
import type { Executor, SqliteStore, Store } from '../../db/store.ts';
import { tablesDialect } from '../../db/tables.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from './postgres.ts';

const migrationsFolder = join(import.meta.dirname, '../../db/migrations');
const postgresMigrationsFolder = join(import.meta.dirname, '../../db/postgres/migrations');

/** The store the db tests of this run use. */
export const testDialect = tablesDialect;
export const onPostgres = testDialect === 'postgres';

/** A fresh in-memory database with every committed migration applied, for tests of the SQLite file itself. */
export function migratedDatabase(): PortalDatabase {
  const db = openDatabase(':memory:');
  migrateDatabase(db, migrationsFolder);
  return db;
}

/**
 * A store for one test, with raw SQL beside the repositories for what a test checks below them (stored bytes,
 * triggers, a row changed behind the portal's back). Statements are written once with `?` placeholders and the
 * subset of SQL both stores understand (true/false for booleans); on PostgreSQL the placeholders become $1, $2….
 * Integers come back as numbers on both (PostgreSQL's bigint included).
 */
export interface TestStore extends Store {
  /** The handle repository functions that read take (outside a transaction). */
  readonly db: Executor;
  rows<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T[]>;
  row<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T | undefined>;
  /** The first column of the first row. */
  value<T = unknown>(statement: string, ...params: unknown[]): Promise<T>;
  /** The first column of every row. */
  column<T = unknown>(statement: string, ...params: unknown[]): Promise<T[]>;
  run(statement: string, ...params: unknown[]): Promise<void>;
  /** The portal's tables (not the migrations' bookkeeping). */
  tableNames(): Promise<string[]>;
  /** Drops one of the migrations' triggers, as someone with write access to the database could. */
  dropTrigger(table: string, trigger: string): Promise<void>;
  /** From now on every insert into `table` fails with `message` (a full disk, a refused write). */
  failInserts(table: string, message: string): Promise<void>;
}

/** A fresh in-memory SQLite store with every committed migration applied, for tests of SQLite's own paths. */
export function migratedSqliteStore(): SqliteStore {
  return openSqliteStore(':memory:', { migrate: true, migrationsFolder });
}

/** A fresh store with every committed migration applied, on the store of this run. */
export async function migratedStore(): Promise<TestStore> {
  return onPostgres ? postgresTestStore() : sqliteTestStore();
}

function sqliteTestStore(): TestStore {
  const store = openSqliteStore(':memory:', { migrate: true, migrationsFolder });
  const client = store.handle.$client;
  const bound = (params: unknown[]) => params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
  return Object.assign(store, {
    db: store.handle as unknown as Executor,
    rows: async <T>(statement: string, ...params: unknown[]) => client.prepare(statement).all(...bound(params)) as T[],
    row: async <T>(statement: string, ...params: unknown[]) => client.prepare(statement).get(...bound(params)) as T | undefined,
    value: async <T>(statement: string, ...params: unknown[]) =>
      client
        .prepare(statement)
        .pluck()
        .get(...bound(params)) as T,
    column: async <T>(statement: string, ...params: unknown[]) =>
      client
        .prepare(statement)
        .pluck()
        .all(...bound(params)) as T[],
    run: async (statement: string, ...params: unknown[]) => {
      if (params.length === 0) client.exec(statement);
      else client.prepare(statement).run(...bound(params));
    },
    tableNames: async () =>
      client
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'")
        .pluck()
        .all() as string[],
    dropTrigger: async (_table: string, trigger: string) => void client.exec(`drop trigger ${trigger}`),
    failInserts: async (table: string, message: string) =>
      void client.exec(`create temp trigger fail_${table} before insert on ${table} begin select raise(abort, '${message}'); end`),
  });
}

// bigint (int8) and numeric as numbers: the ids and millisecond times the portal stores fit in a double.
const numberTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 || oid === 1700 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

let template: Promise<string> | undefined;

/** One migrated database per test process, copied for each test (CREATE DATABASE … TEMPLATE is far quicker than migrating). */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    if (!(await postgresReachable())) throw new Error('PostgreSQL does not answer: the db-postgres tests need it');
    const database = await createTestDatabase();
    const db = openPostgresDatabase(database.url, { maxConnections: 1 });
    await migratePostgresDatabase(db, postgresMigrationsFolder);
    await db.$client.end();
    process.once('beforeExit', () => void database.drop());
    return database.name;
  })();
  return template;
}

async function postgresTestStore(): Promise<TestStore> {
  const database: TestDatabase = await createTestDatabase(await migratedTemplate());
  const store = postgresStore(openPostgresDatabase(database.url, { maxConnections: 4, onConnectionError: () => {} }));
  const raw = new pg.Pool({ connectionString: database.url, max: 2, types: numberTypes });
  // The database is dropped WITH (FORCE) when the test ends, which ends any connection still open on it: heard, not thrown.
  raw.on('error', () => {});
  raw.on('connect', (client) => client.on('error', () => {}));
  const numbered = (statement: string) => {
    let index = 0;
    return statement.replace(/\?/g, () => `$${++index}`);
  };
  const query = async <T>(statement: string, params: unknown[]) => (await raw.query(numbered(statement), params)).rows as T[];
  const close = store.close;
  let ended = false;
  return Object.assign(store, {
    db: store.handle as unknown as Executor,
    rows: <T>(statement: string, ...params: unknown[]) => query<T>(statement, params),
    row: async <T>(statement: string, ...params: unknown[]) => (await query<T>(statement, params))[0],
    value: async <T>(statement: string, ...params: unknown[]) => {
      const [first] = await query<Record<string, unknown>>(statement, params);
      return (first ? Object.values(first)[0] : undefined) as T;
    },
    column: async <T>(statement: string, ...params: unknown[]) =>
      (await query<Record<string, unknown>>(statement, params)).map((row) => Object.values(row)[0] as T),
    run: async (statement: string, ...params: unknown[]) => {
      await raw.query(numbered(statement), params.length ? params : undefined);
    },
    tableNames: async () =>
      (
        await query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
          [],
        )
      ).map((row) => row.name),
    dropTrigger: async (table: string, trigger: string) => void (await raw.query(`drop trigger ${trigger} on ${table}`)),
    failInserts: async (table: string, message: string) => {
      await raw.query(`create function fail_${table}() returns trigger language plpgsql as $$ begin raise exception '${message}'; end $$`);
      await raw.query(`create trigger fail_${table} before insert on ${table} for each row execute function fail_${table}()`);
    },
    close: async () => {
      if (ended) return;
      ended = true;
      await close();
      await raw.end();
      await database.drop();
    },
  });
}
