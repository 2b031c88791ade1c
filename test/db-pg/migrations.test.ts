import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, onTestFinished, test } from 'vitest';
import {
  closePostgresDatabase,
  databaseIsCurrent,
  migratePostgresDatabase,
  migrationDifferences,
  migrationsLockKey,
  openPostgresDatabase,
  postgresMigrationsFolder,
  type PostgresDatabase,
} from '../../db/postgres/connection.ts';
import { databaseForThisTest, postgresReachable } from '../support/postgres.ts';

const reachable = await postgresReachable();

/** A pool on a fresh database, closed when the test finishes. */
async function freshPool(url?: string): Promise<PostgresDatabase> {
  const db = openPostgresDatabase(url ?? (await databaseForThisTest()).url);
  onTestFinished(() => closePostgresDatabase(db));
  return db;
}

async function tables(db: PostgresDatabase): Promise<string[]> {
  const { rows } = await db.$client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  );
  return rows.map((row) => row.name);
}

async function triggers(db: PostgresDatabase): Promise<string[]> {
  const { rows } = await db.$client.query<{ name: string }>('select tgname as name from pg_trigger where not tgisinternal order by 1');
  return rows.map((row) => row.name);
}

async function appliedCount(db: PostgresDatabase): Promise<number> {
  const { rows } = await db.$client.query<{ count: string }>('select count(*) from drizzle.__drizzle_migrations');
  return Number(rows[0]?.count);
}

/** A copy of the committed migrations a test may change. */
function migrationsCopy(): string {
  const folder = mkdtempSync(join(tmpdir(), 'portal-pg-migrations-'));
  cpSync(postgresMigrationsFolder, folder, { recursive: true });
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

const committedCount = readdirSync(postgresMigrationsFolder).filter((name) => name.endsWith('.sql')).length;

describe.skipIf(!reachable)('migratePostgresDatabase()', () => {
  test('creates every table and append-only trigger on an empty database', async () => {
    const db = await freshPool();
    expect(await tables(db)).toEqual([]);
    await migratePostgresDatabase(db);
    expect(await tables(db)).toEqual([
      'audit_events',
      'consent_records',
      'consent_retention_checkpoints',
      'dpo_sessions',
      'dpo_users',
      'flood_counters',
      'marketing_events',
      'marketing_subscriptions',
      'policy_versions',
      'request_events',
      'request_exports',
      'request_files',
      'request_tasks',
      'requests',
    ]);
    expect(await triggers(db)).toEqual([
      'audit_events_no_delete',
      'audit_events_no_truncate',
      'audit_events_no_update',
      'consent_records_no_delete',
      'consent_records_no_truncate',
      'consent_records_no_update',
      'consent_retention_checkpoints_link',
      'consent_retention_checkpoints_no_delete',
      'consent_retention_checkpoints_no_truncate',
      'consent_retention_checkpoints_no_update',
      'marketing_events_no_delete',
      'marketing_events_no_truncate',
      'marketing_events_no_update',
      'request_events_no_delete',
      'request_events_no_truncate',
      'request_events_no_update',
    ]);
    expect(await appliedCount(db)).toBe(committedCount);
  });

  test('run by two instances at the same moment, applies every migration once and fails neither', async () => {
    const { url } = await databaseForThisTest();
    const [first, second] = [await freshPool(url), await freshPool(url)];
    await Promise.all([migratePostgresDatabase(first), migratePostgresDatabase(second)]);
    expect(await appliedCount(first)).toBe(committedCount);
    expect(await databaseIsCurrent(second)).toBe(true);
    // And again, as every later start-up does: nothing left to apply.
    await migratePostgresDatabase(second);
    expect(await appliedCount(first)).toBe(committedCount);
  });

  test('waits while another instance holds the migrations lock, and applies nothing meanwhile', async () => {
    const db = await freshPool();
    const holder = await db.$client.connect();
    let migrating: Promise<unknown> | undefined;
    try {
      await holder.query('select pg_advisory_lock($1)', [migrationsLockKey]);
      let done = false;
      migrating = migratePostgresDatabase(db).then(() => (done = true));
      await sleep(500);
      expect(done).toBe(false);
      expect(await tables(db)).toEqual([]);
    } finally {
      // Ending the holder's session is what frees the lock, as when an instance dies mid-migration.
      holder.release(true);
    }
    await migrating;
    expect(await databaseIsCurrent(db)).toBe(true);
  });

  test('leaves the database as it was when a migration fails, and frees the lock', async () => {
    const db = await freshPool();
    const folder = migrationsCopy();
    appendFileSync(join(folder, '0001_append_only_triggers.sql'), '\n--> statement-breakpoint\nselect no_such_function();\n');
    await expect(migratePostgresDatabase(db, folder)).rejects.toThrow(/no_such_function/);
    expect(await tables(db)).toEqual([]);
    // The lock went with the failed session: a second attempt with the good files is not kept waiting.
    await migratePostgresDatabase(db);
    expect(await databaseIsCurrent(db)).toBe(true);
  });
});

describe.skipIf(!reachable)('the name search form of requests made before it existed', () => {
  test('is filled by the next migration run, in JavaScript’s fold (Greek accents and final sigma, Polish ł), and anonymised rows stay empty', async () => {
    const db = await freshPool();
    await migratePostgresDatabase(db);
    const insert = (reference: string, name: string, anonymisedAt: number | null) =>
      db.$client.query(
        `insert into requests (reference, type, locale, name, email, status, received_at, due_on, due_at, status_token_hash, anonymised_at)
         values ($1, 'access', 'el', $2, 'x@example.com', 'received', 0, '2026-01-31', 0, $1, $3)`,
        [reference, name, anonymisedAt],
      );
    await insert('DSR-2026-AAAAAA', 'Ελένη Γεωργίου', null);
    await insert('DSR-2026-BBBBBB', 'Łukasz Wałęsa', null);
    await insert('DSR-2026-CCCCCC', '[anonymised]', 1);
    await migratePostgresDatabase(db);
    const { rows } = await db.$client.query<{ reference: string; key: string | null }>('select reference, name_key as key from requests order by reference');
    expect(rows).toEqual([
      { reference: 'DSR-2026-AAAAAA', key: 'ελενη γεωργιου' },
      { reference: 'DSR-2026-BBBBBB', key: 'lukasz walesa' },
      { reference: 'DSR-2026-CCCCCC', key: null },
    ]);
  });
});

describe.skipIf(!reachable)('databaseIsCurrent() and migrationDifferences()', () => {
  test('an empty database is not current and names every migration it lacks; once migrated it is', async () => {
    const db = await freshPool();
    expect(await databaseIsCurrent(db)).toBe(false);
    expect(await migrationDifferences(db)).toEqual([
      'migration 0000_initial is not applied',
      'migration 0001_append_only_triggers is not applied',
      'migration 0002_flood_counters is not applied',
      'migration 0003_request_tasks is not applied',
      'migration 0004_inbox_search_and_assignee is not applied',
    ]);
    await migratePostgresDatabase(db);
    expect(await migrationDifferences(db)).toEqual([]);
    expect(await databaseIsCurrent(db)).toBe(true);
  });

  test('a database migrated by an older version lacks the newer migrations', async () => {
    const db = await freshPool();
    const older = migrationsCopy();
    rmSync(join(older, '0001_append_only_triggers.sql'));
    const journalPath = join(older, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    await migratePostgresDatabase(db, older);
    expect(await migrationDifferences(db)).toEqual([
      'migration 0001_append_only_triggers is not applied',
      'migration 0002_flood_counters is not applied',
      'migration 0003_request_tasks is not applied',
      'migration 0004_inbox_search_and_assignee is not applied',
    ]);
    expect(await databaseIsCurrent(db)).toBe(false);
    // Seen from that older version, the database records a migration it does not have.
    expect(await migrationDifferences(db, older)).toEqual([]);
    await migratePostgresDatabase(db);
    expect((await migrationDifferences(db, older))[0]).toMatch(/^the database records a migration made at \d+ that this version does not have$/);
  });

  test('a committed migration changed after it was applied makes the database not current', async () => {
    const db = await freshPool();
    await migratePostgresDatabase(db);
    const edited = migrationsCopy();
    appendFileSync(join(edited, '0001_append_only_triggers.sql'), '\n-- edited\n');
    expect(await migrationDifferences(db, edited)).toEqual(['migration 0001_append_only_triggers was applied from a different file']);
  });

  test('a database that does not answer is reported as an error, not as current', async () => {
    const db = openPostgresDatabase('postgres://postgres@127.0.0.1:1/none');
    onTestFinished(() => closePostgresDatabase(db));
    await expect(databaseIsCurrent(db)).rejects.toThrow();
  });
});

describe('openPostgresDatabase()', () => {
  test('refuses a URL that is not a PostgreSQL one, without echoing it', () => {
    expect(() => openPostgresDatabase('mysql://root:secret@localhost/test')).toThrow(/^DATABASE_URL must start with postgres:\/\/ or postgresql:\/\/$/);
  });

  test.skipIf(!reachable)('reports an idle connection the server ended, once, instead of crashing the process', async () => {
    const { url } = await databaseForThisTest();
    const failures: Error[] = [];
    const db = openPostgresDatabase(url, { onConnectionError: (error) => failures.push(error) });
    onTestFinished(() => closePostgresDatabase(db));
    const { rows } = await db.$client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    await killer.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    await killer.end();
    await expect.poll(() => failures.length).toBe(1);
    expect((await db.$client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  test.skipIf(!reachable)('reports a connection the server ended in the middle of a transaction, and fails only that transaction', async () => {
    const { url } = await databaseForThisTest();
    const failures: Error[] = [];
    const db = openPostgresDatabase(url, { onConnectionError: (error) => failures.push(error) });
    onTestFinished(() => closePostgresDatabase(db));
    const transaction = db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      const killer = new pg.Client({ connectionString: url });
      await killer.connect();
      await killer.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      await killer.end();
      await expect.poll(() => failures.length).toBe(1);
      await tx.execute(sql`select 1`);
    });
    await expect(transaction).rejects.toThrow();
    expect(failures).toHaveLength(1);
    expect((await db.$client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });
});
