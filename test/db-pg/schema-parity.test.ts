import { getTableName, is, type Column, type Table } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, test } from 'vitest';
import * as postgres from '../../db/postgres/schema.ts';
import * as sqlite from '../../db/schema.ts';
import { closePostgresDatabase, migratePostgresDatabase, openPostgresDatabase } from '../../db/postgres/connection.ts';
import { databaseForTheseTests, postgresReachable } from '../support/postgres.ts';

/** The TypeScript type a column hands out, by family: what a repository written for one store relies on. */
function typeFamily(column: Column): string {
  // A custom column (the epoch-ms Date) says what it hands out by decoding a driver value.
  if (column.dataType === 'custom') return column.mapFromDriverValue(0) instanceof Date ? 'date' : typeof column.mapFromDriverValue(0);
  return column.dataType;
}

interface ColumnShape {
  property: string;
  name: string;
  notNull: boolean;
  primaryKey: boolean;
  hasDefault: boolean;
  type: string;
  enumValues: string[] | undefined;
}

function columnShapes(table: Table): ColumnShape[] {
  return Object.entries(table).flatMap(([property, column]: [string, unknown]) => {
    if (!column || typeof column !== 'object' || !('columnType' in column)) return [];
    const c = column as Column;
    return [{ property, name: c.name, notNull: c.notNull, primaryKey: c.primary, hasDefault: c.hasDefault, type: typeFamily(c), enumValues: c.enumValues }];
  });
}

function describeTable(table: Table) {
  const config = is(table, PgTable) ? pgTableConfig(table) : sqliteTableConfig(table as SQLiteTable);
  return {
    columns: columnShapes(table),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name ?? '(unnamed)',
        unique: index.config.unique,
        columns: index.config.columns.map((column) => ('name' in column ? column.name : 'expression')),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: config.foreignKeys
      .map((key) => key.reference())
      .map((reference) => ({
        columns: reference.columns.map((column) => column.name),
        references: `${getTableName(reference.foreignTable)}(${reference.foreignColumns.map((column) => column.name).join(',')})`,
      })),
  };
}

function tablesOf(module: Record<string, unknown>): Map<string, Table> {
  const tables = Object.values(module).filter((value): value is Table => is(value, PgTable) || is(value, SQLiteTable));
  return new Map(tables.map((table) => [getTableName(table), table]));
}

const sqliteTables = tablesOf(sqlite);
const postgresTables = tablesOf(postgres);

describe('the PostgreSQL schema description', () => {
  test('has exactly the tables of the SQLite one, exported under the same names', () => {
    expect([...postgresTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    const exported = (module: Record<string, unknown>) =>
      Object.keys(module)
        .filter((key) => is(module[key], PgTable) || is(module[key], SQLiteTable))
        .sort();
    expect(exported(postgres)).toEqual(exported(sqlite));
    expect(sqliteTables.size).toBe(14);
  });

  test.each([...sqliteTables.keys()])('%s has the same columns (names, nullability, type family, defaults, enums), indexes and foreign keys', (name) => {
    const twin = postgresTables.get(name);
    expect(twin, `${name} is missing from db/postgres/schema.ts`).toBeDefined();
    expect(twin && describeTable(twin)).toEqual(describeTable(sqliteTables.get(name) as Table));
  });

  test('hands out and takes the same row types', () => {
    expectTypeOf<typeof postgres.policyVersions.$inferSelect>().toEqualTypeOf<typeof sqlite.policyVersions.$inferSelect>();
    expectTypeOf<typeof postgres.consentRecords.$inferSelect>().toEqualTypeOf<typeof sqlite.consentRecords.$inferSelect>();
    expectTypeOf<typeof postgres.marketingSubscriptions.$inferSelect>().toEqualTypeOf<typeof sqlite.marketingSubscriptions.$inferSelect>();
    expectTypeOf<typeof postgres.marketingEvents.$inferSelect>().toEqualTypeOf<typeof sqlite.marketingEvents.$inferSelect>();
    expectTypeOf<typeof postgres.requests.$inferSelect>().toEqualTypeOf<typeof sqlite.requests.$inferSelect>();
    expectTypeOf<typeof postgres.requestEvents.$inferSelect>().toEqualTypeOf<typeof sqlite.requestEvents.$inferSelect>();
    expectTypeOf<typeof postgres.requestExports.$inferSelect>().toEqualTypeOf<typeof sqlite.requestExports.$inferSelect>();
    expectTypeOf<typeof postgres.dpoUsers.$inferSelect>().toEqualTypeOf<typeof sqlite.dpoUsers.$inferSelect>();
    expectTypeOf<typeof postgres.dpoSessions.$inferSelect>().toEqualTypeOf<typeof sqlite.dpoSessions.$inferSelect>();
    expectTypeOf<typeof postgres.consentRetentionCheckpoints.$inferSelect>().toEqualTypeOf<typeof sqlite.consentRetentionCheckpoints.$inferSelect>();
    expectTypeOf<typeof postgres.auditEvents.$inferSelect>().toEqualTypeOf<typeof sqlite.auditEvents.$inferSelect>();
    expectTypeOf<typeof postgres.floodCounters.$inferSelect>().toEqualTypeOf<typeof sqlite.floodCounters.$inferSelect>();

    expectTypeOf<typeof postgres.policyVersions.$inferInsert>().toEqualTypeOf<typeof sqlite.policyVersions.$inferInsert>();
    expectTypeOf<typeof postgres.consentRecords.$inferInsert>().toEqualTypeOf<typeof sqlite.consentRecords.$inferInsert>();
    expectTypeOf<typeof postgres.marketingSubscriptions.$inferInsert>().toEqualTypeOf<typeof sqlite.marketingSubscriptions.$inferInsert>();
    expectTypeOf<typeof postgres.marketingEvents.$inferInsert>().toEqualTypeOf<typeof sqlite.marketingEvents.$inferInsert>();
    expectTypeOf<typeof postgres.requests.$inferInsert>().toEqualTypeOf<typeof sqlite.requests.$inferInsert>();
    expectTypeOf<typeof postgres.requestEvents.$inferInsert>().toEqualTypeOf<typeof sqlite.requestEvents.$inferInsert>();
    expectTypeOf<typeof postgres.requestExports.$inferInsert>().toEqualTypeOf<typeof sqlite.requestExports.$inferInsert>();
    expectTypeOf<typeof postgres.dpoUsers.$inferInsert>().toEqualTypeOf<typeof sqlite.dpoUsers.$inferInsert>();
    expectTypeOf<typeof postgres.dpoSessions.$inferInsert>().toEqualTypeOf<typeof sqlite.dpoSessions.$inferInsert>();
    expectTypeOf<typeof postgres.consentRetentionCheckpoints.$inferInsert>().toEqualTypeOf<typeof sqlite.consentRetentionCheckpoints.$inferInsert>();
    expectTypeOf<typeof postgres.auditEvents.$inferInsert>().toEqualTypeOf<typeof sqlite.auditEvents.$inferInsert>();
    expectTypeOf<typeof postgres.floodCounters.$inferInsert>().toEqualTypeOf<typeof sqlite.floodCounters.$inferInsert>();
  });

  test('reads an epoch-ms instant back as the same Date SQLite hands out', () => {
    const recordedAt = postgres.policyVersions.recordedAt;
    const instant = new Date('2026-11-20T10:15:30.123Z');
    expect(recordedAt.mapToDriverValue(instant)).toBe(instant.getTime());
    // node-postgres hands a bigint over as a string.
    expect(recordedAt.mapFromDriverValue(String(instant.getTime()))).toEqual(instant);
  });
});

const reachable = await postgresReachable();

describe.skipIf(!reachable)('the committed PostgreSQL migrations', () => {
  const database = databaseForTheseTests();

  test('create every column of the schema description with its nullability and SQL type, and every index', async () => {
    const db = openPostgresDatabase(database.url);
    try {
      await migratePostgresDatabase(db);
      const { rows } = await db.$client.query<{ table_name: string; column_name: string; is_nullable: string; data_type: string }>(
        "select table_name, column_name, is_nullable, data_type from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
      );
      const inDatabase = rows.map((row) => `${row.table_name}.${row.column_name} ${row.data_type}${row.is_nullable === 'NO' ? ' not null' : ''}`);
      const described = [...postgresTables.values()].flatMap((table) =>
        pgTableConfig(table as PgTable).columns.map(
          (column) => `${getTableName(table)}.${column.name} ${column.getSQLType()}${column.notNull ? ' not null' : ''}`,
        ),
      );
      expect(inDatabase.sort()).toEqual(described.sort());

      const indexes = await db.$client.query<{ name: string; unique: boolean; columns: string[] }>(
        `select c.relname as name, i.indisunique as unique, array(select a.attname from unnest(i.indkey) with ordinality k(attnum, n)
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.n)::text[] as columns
           from pg_index i join pg_class c on c.oid = i.indexrelid
          where c.relnamespace = 'public'::regnamespace and not i.indisprimary order by 1`,
      );
      const describedIndexes = [...postgresTables.values()].flatMap((table) => describeTable(table).indexes).sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(indexes.rows).toEqual(describedIndexes);
    } finally {
      await closePostgresDatabase(db);
    }
  });
});
