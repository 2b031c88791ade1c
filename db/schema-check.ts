// A database file is trusted only when its tables, indexes, triggers and views are exactly what the committed
// migrations create: a dropped append-only trigger makes proof records deletable without a trace, a changed one can
// let anything through, an extra one can copy or rewrite rows as they are written.
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrationsFolder } from './connection.ts';

interface SchemaObject {
  type: string;
  name: string;
  tableName: string;
  /** The CREATE statement with its layout (runs of white space) made uniform. */
  sql: string;
}

// SQLite's own objects (sqlite_sequence, the automatic indexes of UNIQUE constraints) and drizzle's bookkeeping
// table are not made by the migrations' SQL.
const objectsQuery = `select type, name, tbl_name as tableName, coalesce(sql, '') as sql from sqlite_master
  where type in ('table', 'index', 'trigger', 'view') and name not like 'sqlite\\_%' escape '\\'
    and not (type = 'table' and name = '__drizzle_migrations')`;

function schemaObjects(client: Database.Database): Map<string, SchemaObject> {
  const rows = client.prepare(objectsQuery).all() as SchemaObject[];
  return new Map(rows.map((row) => [`${row.type} ${row.name}`, { ...row, sql: row.sql.replace(/\s+/g, ' ').trim() }]));
}

/** The newest migration recorded in the file (drizzle's `created_at`, the time it was made), 0 when none. */
function newestAppliedMigration(client: Database.Database): number {
  const bookkeeping = client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!bookkeeping) return 0;
  return Number(client.prepare('select max(created_at) from __drizzle_migrations').pluck().get() ?? 0);
}

/** What the migrations in `folder` made up to `newest` (as drizzle's migrator applies them) create, in memory. */
function expectedObjects(folder: string, newest: number): Map<string, SchemaObject> {
  const expected = new Database(':memory:');
  try {
    for (const migration of readMigrationFiles({ migrationsFolder: folder })) {
      if (migration.folderMillis > newest) continue;
      for (const statement of migration.sql) expected.exec(statement);
    }
    return schemaObjects(expected);
  } finally {
    expected.close();
  }
}

const byTypeAndName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How the schema of `client` differs from what the migrations it records create: one line per object that is
 * missing, changed or extra (`trigger consent_records_no_delete is missing`), sorted by kind and name; empty when it
 * is exactly theirs. A file at an older migration is held to what those migrations create. Migrations the file
 * records but `folder` lacks (a newer version) are the caller's to refuse.
 */
export function schemaDifferences(client: Database.Database, folder: string = migrationsFolder): string[] {
  const actual = schemaObjects(client);
  const expected = expectedObjects(folder, newestAppliedMigration(client));
  const differences = new Map<string, string>();
  for (const [key, object] of expected) {
    const found = actual.get(key);
    if (!found) differences.set(key, `${key} is missing`);
    else if (found.sql !== object.sql || found.tableName !== object.tableName)
      differences.set(key, `${key} is changed (it is not as the migrations create it)`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.set(key, `${key} is extra (no migration creates it)`);
  return [...differences.keys()].sort(byTypeAndName).map((key) => differences.get(key) ?? key);
}
