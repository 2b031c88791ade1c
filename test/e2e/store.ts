// The store the portals of an e2e run serve from. The `e2e` project runs them on SQLite files, the `e2e-postgres`
// project (E2E_STORE=postgres) on PostgreSQL: each portal a test starts gets a fresh database of its own on the server
// at 127.0.0.1:5432 (TEST_POSTGRES_URL), dropped afterwards. A test file takes its portal's environment and raw SQL from
// here and never asks which store it is on, except where it tests something only one store has.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';
import { migrationsFolder, openStore } from '../../db/connection.ts';
import { postgresMigrationsFolder } from '../../db/postgres/connection.ts';
import type { Executor, Store } from '../../db/store.ts';
import { createScratchDatabase, postgresPortalSecrets, postgresServerUrl, postgresUnavailable } from '../../scripts/support/postgres-server.ts';

/** Whether this run's portals serve from PostgreSQL (the e2e-postgres project). */
export const onPostgres = process.env.E2E_STORE === 'postgres';

/** The migrations committed for this run's store, and the table where a database records those applied to it. */
export const storeMigrations = onPostgres
  ? { folder: postgresMigrationsFolder, table: 'drizzle.__drizzle_migrations' }
  : { folder: migrationsFolder, table: '__drizzle_migrations' };

/**
 * Raw SQL on a portal's database, for what a test checks below the portal (stored bytes, counters, a row changed
 * behind its back). Written once with `?` placeholders in the SQL both stores understand; on PostgreSQL they become
 * $1, $2…, booleans bound on SQLite become 0/1. Integers come back as numbers on both (PostgreSQL's bigint included).
 */
export interface PortableSql {
  rows<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T[]>;
  row<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T | undefined>;
  /** The first column of the first row. */
  value<T = unknown>(statement: string, ...params: unknown[]): Promise<T>;
  /** The first column of every row. */
  column<T = unknown>(statement: string, ...params: unknown[]): Promise<T[]>;
  run(statement: string, ...params: unknown[]): Promise<void>;
  /** Drops one of the migrations' triggers, as someone with write access to the database could. */
  dropTrigger(table: string, trigger: string): Promise<void>;
  /**
   * Runs `change` with one of the migrations' triggers dropped, then puts it back as it was: what someone with write
   * access does so that the schema checks of the scripts find nothing missing.
   */
  behindTrigger(table: string, trigger: string, change: () => Promise<void>): Promise<void>;
  /** Every table in the database, the migrations' bookkeeping included. */
  tableNames(): Promise<string[]>;
}

/** A portal's database as a test reaches it. */
export interface PortalStore {
  /** What a portal or a script needs in its environment to serve from this database (the secrets too, on PostgreSQL). */
  readonly env: Record<string, string>;
  readonly sql: PortableSql;
  /** The repositories' handle on it (opened on first use), for a test that reads or seeds through them. */
  db(): Executor;
  store(): Store;
  /** Closes the test's own connections (the database stays). */
  close(): Promise<void>;
}

/** A database made for one portal of a test, dropped with `drop()` (its connections closed first). */
export interface TestStoreEnvironment extends PortalStore {
  drop(): Promise<void>;
}

/**
 * A fresh database for a portal a test starts: on SQLite `portal.db` in `dir`, on PostgreSQL an empty database on the
 * test server with a fresh secret and signing key (the anchors file then goes in `dir`, as beside a SQLite file).
 * The portal's start (`npm run db:migrate`'s script) migrates it.
 */
export async function testStoreEnvironment(dir: string, { postgres = onPostgres }: { postgres?: boolean } = {}): Promise<TestStoreEnvironment> {
  if (!postgres) {
    const access = portalStoreOf({ DATABASE_PATH: join(dir, 'portal.db') });
    return { ...access, drop: access.close };
  }
  const serverUrl = postgresServerUrl();
  const unavailable = await postgresUnavailable(serverUrl);
  if (unavailable) throw new Error(`${unavailable}: the e2e-postgres run needs it (set TEST_POSTGRES_URL or start it).`);
  const database = await createScratchDatabase(serverUrl, 'portal_e2e');
  mkdirSync(dir, { recursive: true });
  const access = portalStoreOf({ DATABASE_URL: database.url, ...postgresPortalSecrets(), ANCHORS_PATH: join(dir, 'consent-anchors.jsonl') });
  return {
    ...access,
    drop: async () => {
      await access.close();
      await database.drop();
    },
  };
}

/** The database the environment `env` names (DATABASE_URL, else DATABASE_PATH), as a test reaches it. */
export function portalStoreOf(env: Record<string, string>): PortalStore {
  let store: Store | undefined;
  const sql = env.DATABASE_URL ? postgresSql(env.DATABASE_URL) : sqliteSql(env.DATABASE_PATH ?? '');
  const opened = () => {
    store ??= openStore({ DATABASE_PATH: env.DATABASE_PATH ?? '', DATABASE_URL: env.DATABASE_URL }, { maxConnections: 2 });
    return store;
  };
  return {
    env,
    sql,
    store: opened,
    db: () => (opened() as unknown as { handle: Executor }).handle,
    close: async () => {
      await store?.close();
      store = undefined;
      await sql.close();
    },
  };
}

type ClosableSql = PortableSql & { close(): Promise<void> };

/** On the SQLite file, opened when first used (the portal's start makes it). */
function sqliteSql(path: string): ClosableSql {
  let client: Database.Database | undefined;
  const open = () => {
    client ??= new Database(path, { fileMustExist: true });
    return client;
  };
  const bound = (params: unknown[]) => params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
  return {
    rows: async <T>(statement: string, ...params: unknown[]) =>
      open()
        .prepare(statement)
        .all(...bound(params)) as T[],
    row: async <T>(statement: string, ...params: unknown[]) =>
      open()
        .prepare(statement)
        .get(...bound(params)) as T | undefined,
    value: async <T>(statement: string, ...params: unknown[]) =>
      open()
        .prepare(statement)
        .pluck()
        .get(...bound(params)) as T,
    column: async <T>(statement: string, ...params: unknown[]) =>
      open()
        .prepare(statement)
        .pluck()
        .all(...bound(params)) as T[],
    run: async (statement: string, ...params: unknown[]) => {
      if (params.length === 0) open().exec(statement);
      else
        open()
          .prepare(statement)
          .run(...bound(params));
    },
    dropTrigger: async (_table: string, trigger: string) => void open().exec(`drop trigger ${trigger}`),
    behindTrigger: async (_table: string, trigger: string, change: () => Promise<void>) => {
      const definition = open().prepare("select sql from sqlite_master where type = 'trigger' and name = ?").pluck().get(trigger) as string;
      open().exec(`drop trigger ${trigger}`);
      await change();
      open().exec(definition);
    },
    tableNames: async () => open().prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[],
    close: async () => {
      client?.close();
      client = undefined;
    },
  };
}

// bigint (int8) and numeric as numbers: the ids and millisecond times the portal stores fit in a double.
const numberTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 || oid === 1700 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function postgresSql(url: string): ClosableSql {
  let pool: pg.Pool | undefined;
  const open = () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: 2, types: numberTypes });
      // The scratch database is dropped WITH (FORCE) after the test, which ends connections still open: heard, not thrown.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
    }
    return pool;
  };
  const numbered = (statement: string) => {
    let index = 0;
    return statement.replace(/\?/g, () => `$${++index}`);
  };
  const query = async <T>(statement: string, params: unknown[]) => (await open().query(numbered(statement), params)).rows as T[];
  return {
    rows: <T>(statement: string, ...params: unknown[]) => query<T>(statement, params),
    row: async <T>(statement: string, ...params: unknown[]) => (await query<T>(statement, params))[0],
    value: async <T>(statement: string, ...params: unknown[]) => {
      const [first] = await query<Record<string, unknown>>(statement, params);
      return (first ? Object.values(first)[0] : undefined) as T;
    },
    column: async <T>(statement: string, ...params: unknown[]) =>
      (await query<Record<string, unknown>>(statement, params)).map((row) => Object.values(row)[0] as T),
    run: async (statement: string, ...params: unknown[]) => {
      await open().query(numbered(statement), params.length ? params : undefined);
    },
    dropTrigger: async (table: string, trigger: string) => void (await open().query(`drop trigger ${trigger} on ${table}`)),
    behindTrigger: async (table: string, trigger: string, change: () => Promise<void>) => {
      const [found] = await query<{ definition: string }>(
        'select pg_get_triggerdef(oid) as definition from pg_trigger where tgname = ? and tgrelid = ?::regclass',
        [trigger, table],
      );
      if (!found) throw new Error(`no trigger ${trigger} on ${table}`);
      await open().query(`drop trigger ${trigger} on ${table}`);
      await change();
      await open().query(found.definition);
    },
    tableNames: async () =>
      (
        await query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
          [],
        )
      ).map((row) => row.name),
    close: async () => {
      await pool?.end();
      pool = undefined;
    },
  };
}

/** The database of the portal the global setup started, which the test files share (close it after the file's tests). */
export function sharedPortalStore(): PortalStore {
  return portalStoreOf(inject('storeEnv'));
}
