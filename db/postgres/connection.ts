import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { nameSearchKey } from '../../src/lib/search-text.ts';
import * as schema from './schema.ts';

export type PostgresDatabase = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** The handle inside `db.transaction(async (tx) => …)`. */
export type PostgresTransaction = Parameters<Parameters<PostgresDatabase['transaction']>[0]>[0];

/** The committed drizzle-kit migrations for PostgreSQL, relative to the project root the portal runs from. */
export const postgresMigrationsFolder = resolve(process.cwd(), 'db/postgres/migrations');

/**
 * The session advisory lock `migratePostgresDatabase` holds while it migrates, so instances started together apply
 * the migrations once, one after the other (the later ones find nothing left to do). Distinct from the chain's key.
 */
export const migrationsLockKey = 0x706f7274_0001;

// Where drizzle's migrator records what it applied (its defaults, named here because `migrationDifferences` reads it).
const migrationsSchema = 'drizzle';
const migrationsTable = '__drizzle_migrations';

export interface PostgresOptions {
  /** Connections this process may hold at once (pg's default is 10). */
  maxConnections?: number;
  /**
   * Told when a connection fails outside a query (the server restarted or ended the session, a proxy cut it). The pool
   * drops that connection; a transaction that was using it fails on its next statement.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * How long the server lets a transaction of this pool sit idle before ending it (60 s by default). A portal
   * transaction never waits on anything but the database, so an idle one belongs to an instance that hung or lost its
   * machine: ending it frees the consent chain's lock for the other instances instead of holding it until TCP gives up.
   */
  idleInTransactionTimeoutMs?: number;
}

/**
 * Opens a pool on the PostgreSQL database at `url` (`postgres://user:password@host:port/database`, the portal's
 * `DATABASE_URL`). Connecting waits at most 10 s, so a database that does not answer fails a request or a start-up
 * instead of hanging it; TCP keep-alive notices a server that vanished. A connection that fails is reported to
 * `onConnectionError` (by default one line on stderr naming the error, never the URL with its password) instead of
 * crashing the process.
 */
export function openPostgresDatabase(url: string, options: PostgresOptions = {}): PostgresDatabase {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    keepAlive: true,
    application_name: 'privacy-portal',
  });
  const report = options.onConnectionError ?? ((error: Error) => console.error(`PostgreSQL: a connection failed (${error.message})`));
  // node-postgres emits such a failure on the connection (the server's reason, then "Connection terminated
  // unexpectedly"), and for an idle one again on the pool; unheard, any of them would end the process. Each connection
  // reports its first; the rest say the same.
  pool.on('connect', (client) => {
    withoutNulCharacters(client);
    let reported = false;
    client.on('error', (error) => {
      if (!reported) report(error);
      reported = true;
    });
  });
  pool.on('error', () => {});
  return drizzle({ client: pool, schema });
}

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can): a parameter with it makes the whole statement fail, so a hostile
 * form value or query string (`a\u0000@example.com`) would turn a lookup into a 5xx. Every string parameter of this
 * connection has it replaced by U+FFFD, the replacement character: a lookup with it matches nothing, as on SQLite, and
 * the portal's own texts never hold it (requests strip control characters before they are stored).
 */
function withoutNulCharacters(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const clean = (value: unknown): unknown =>
    typeof value === 'string' ? value.replaceAll('\u0000', '\uFFFD') : Array.isArray(value) ? value.map(clean) : value;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (first: unknown, values?: unknown, ...rest: unknown[]) => {
    if (Array.isArray(values)) return query(first, values.map(clean), ...rest);
    if (first && typeof first === 'object' && Array.isArray((first as { values?: unknown }).values))
      return query({ ...(first as object), values: (first as { values: unknown[] }).values.map(clean) }, values, ...rest);
    return query(first, values, ...rest);
  };
}

/**
 * Applies every committed migration that has not run yet, holding `migrationsLockKey` on the connection that runs
 * them: a second instance migrating at the same moment waits, then finds the database current. drizzle applies the
 * pending migrations in one transaction, so a failure leaves the database as it was. Resolves to how many it applied,
 * counted under the lock: none for an instance that waited while another migrated.
 */
export async function migratePostgresDatabase(db: PostgresDatabase, folder: string = postgresMigrationsFolder): Promise<number> {
  const client = await db.$client.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [migrationsLockKey]);
    try {
      const before = await recordedMigrations(client);
      await migrate(drizzle({ client }), { migrationsFolder: folder, migrationsSchema, migrationsTable });
      await backfillNameKeys(client);
      return (await recordedMigrations(client)) - before;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationsLockKey]);
    }
  } catch (error) {
    // A session that may still hold the lock must not go back to the pool: ending it releases the lock.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Fills the search form of every request's name that has none (requests made before the column existed): the fold
 * (`nameSearchKey`) is JavaScript's, the same the portal writes with, since a database in the C locale folds only
 * ASCII. Under the migrations' lock, a thousand rows a statement; idempotent (only null keys are filled).
 */
async function backfillNameKeys(client: pg.PoolClient): Promise<void> {
  const found = await client.query<{ exists: boolean }>(
    `select exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'requests' and column_name = 'name_key') as exists`,
  );
  if (!found.rows[0]?.exists) return;
  for (;;) {
    const rows = (
      await client.query<{ id: string; name: string }>('select id, name from requests where name_key is null and anonymised_at is null order by id limit 1000')
    ).rows;
    if (!rows.length) return;
    await client.query(
      'update requests set name_key = folded.key from (select unnest($1::bigint[]) as id, unnest($2::text[]) as key) as folded where requests.id = folded.id',
      [rows.map((row) => row.id), rows.map((row) => nameSearchKey(row.name))],
    );
  }
}

/** How many migrations the database records as applied (none before the first). */
async function recordedMigrations(client: pg.PoolClient): Promise<number> {
  const table = `"${migrationsSchema}"."${migrationsTable}"`;
  const recorded = await client.query<{ exists: boolean }>('select to_regclass($1) is not null as exists', [table]);
  if (!recorded.rows[0]?.exists) return 0;
  return Number((await client.query<{ count: string }>(`select count(*) as count from ${table}`)).rows[0]?.count ?? 0);
}

/**
 * How the migrations the database records differ from the committed ones in `folder`, one line each: a migration not
 * yet applied (`migration 0001_append_only_triggers is not applied`), one whose file changed after it was applied, or
 * one the database records that `folder` lacks (a newer version of the portal migrated it). Empty when the database
 * is current.
 */
export async function migrationDifferences(db: PostgresDatabase, folder: string = postgresMigrationsFolder): Promise<string[]> {
  const tags = journalTags(folder);
  const committed = readMigrationFiles({ migrationsFolder: folder }).map((migration, index) => ({
    ...migration,
    tag: tags[index] ?? String(migration.folderMillis),
  }));
  const recorded = await db.$client.query<{ exists: boolean }>('select to_regclass($1) is not null as exists', [`"${migrationsSchema}"."${migrationsTable}"`]);
  const applied = recorded.rows[0]?.exists
    ? (await db.$client.query<{ hash: string; created_at: string }>(`select hash, created_at from "${migrationsSchema}"."${migrationsTable}"`)).rows
    : [];
  const appliedHashes = new Map(applied.map((row) => [Number(row.created_at), row.hash]));
  const differences: string[] = [];
  for (const migration of committed) {
    const hash = appliedHashes.get(migration.folderMillis);
    if (hash === undefined) differences.push(`migration ${migration.tag} is not applied`);
    else if (hash !== migration.hash) differences.push(`migration ${migration.tag} was applied from a different file`);
  }
  const committedTimes = new Set(committed.map((migration) => migration.folderMillis));
  for (const row of applied) {
    if (!committedTimes.has(Number(row.created_at)))
      differences.push(`the database records a migration made at ${row.created_at} that this version does not have`);
  }
  return differences;
}

/** True when the database records exactly the committed migrations: what `/readyz` requires. */
export async function databaseIsCurrent(db: PostgresDatabase, folder: string = postgresMigrationsFolder): Promise<boolean> {
  return (await migrationDifferences(db, folder)).length === 0;
}

/** Ends every connection of the pool; the handle cannot be used afterwards. */
export async function closePostgresDatabase(db: PostgresDatabase): Promise<void> {
  await db.$client.end();
}

/** The migrations' names in journal order (`0000_initial`), as drizzle-kit wrote them beside the SQL. */
function journalTags(folder: string): string[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map((entry) => entry.tag);
}
