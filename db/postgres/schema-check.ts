// The PostgreSQL twin of db/schema-check.ts: a database is trusted only when its tables, constraints, indexes,
// triggers, trigger functions, rules and views are exactly what the committed migrations create. A dropped or
// disabled append-only trigger makes proof records deletable without a trace, a changed function can let anything
// through, an extra trigger or rule can copy or rewrite rows as they are written.
import { randomBytes } from 'node:crypto';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pg from 'pg';
import { postgresMigrationsFolder, type PostgresDatabase } from './connection.ts';

/** Where the portal's tables live: drizzle-kit's migrations name it (`REFERENCES "public"."…"`). */
const portalSchema = 'public';

// One row per object of a schema: its kind, name and definition as PostgreSQL prints it back. Tables are described by
// their columns (name, type, not null, default, identity) in order; identity sequences follow their table.
const objectsQuery = `
  select 'table' as type, c.relname as name,
         string_agg(format('%I %s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                           case when a.attnotnull then ' not null' else '' end,
                           coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
                           case a.attidentity when 'd' then ' identity by default' when 'a' then ' identity always' else '' end),
                    ', ' order by a.attnum) as definition
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
   where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p')
   group by c.relname
  union all
  select 'constraint', conname, conrelid::regclass::text || ' ' || pg_get_constraintdef(oid)
    from pg_constraint where connamespace = $1::regnamespace
  union all
  select 'index', c.relname, pg_get_indexdef(c.oid)
    from pg_class c where c.relnamespace = $1::regnamespace and c.relkind in ('i', 'I')
  union all
  select 'trigger', t.tgname, pg_get_triggerdef(t.oid) || case t.tgenabled when 'D' then ' (disabled)' when 'O' then '' else ' (enabled ' || t.tgenabled::text || ')' end
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
   where c.relnamespace = $1::regnamespace and not t.tgisinternal
  union all
  select 'function', p.oid::regprocedure::text, pg_get_functiondef(p.oid)
    from pg_proc p where p.pronamespace = $1::regnamespace
  union all
  select 'rule', r.rulename, pg_get_ruledef(r.oid)
    from pg_rewrite r join pg_class c on c.oid = r.ev_class
   where c.relnamespace = $1::regnamespace and r.rulename <> '_RETURN'
  union all
  select 'view', c.relname, pg_get_viewdef(c.oid)
    from pg_class c where c.relnamespace = $1::regnamespace and c.relkind in ('v', 'm')
  union all
  select 'sequence', c.relname, ''
    from pg_class c where c.relnamespace = $1::regnamespace and c.relkind = 'S'`;

interface SchemaObject {
  type: string;
  name: string;
  definition: string;
}

/** The objects of `schema`, read with it alone on the search path so definitions name no schema. */
async function schemaObjects(client: pg.PoolClient, schema: string): Promise<Map<string, string>> {
  await client.query(`set local search_path = "${schema}"`);
  const { rows } = await client.query<SchemaObject>(objectsQuery, [schema]);
  const qualifier = new RegExp(`"?${schema}"?\\.`, 'g');
  return new Map(rows.map((row) => [`${row.type} ${row.name.replace(qualifier, '')}`, row.definition.replace(qualifier, '').replace(/\s+/g, ' ').trim()]));
}

/** The newest migration the database records (drizzle's `created_at`), 0 when none. */
async function newestAppliedMigration(client: pg.PoolClient): Promise<number> {
  // Two statements: a query naming the table is refused at planning time when it does not exist, whatever guards it.
  const recorded = await client.query<{ exists: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as exists");
  if (!recorded.rows[0]?.exists) return 0;
  const { rows } = await client.query<{ newest: string | null }>('select max(created_at) as newest from drizzle.__drizzle_migrations');
  return Number(rows[0]?.newest ?? 0);
}

const byKindAndName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How the portal's schema in `db` differs from what the migrations it records create: one line per object that is
 * missing, changed or extra (`trigger consent_records_no_delete is missing`), sorted by kind and name; empty when it
 * is exactly theirs. A database at an older migration is held to what those migrations create. To know what they
 * create, the migrations run in a scratch schema inside a transaction that is rolled back, so the role needs CREATE
 * on the database (the role that migrates has it) and nothing is left behind.
 */
export async function postgresSchemaDifferences(db: PostgresDatabase, folder: string = postgresMigrationsFolder): Promise<string[]> {
  const client = await db.$client.connect();
  try {
    await client.query('begin');
    const actual = await schemaObjects(client, portalSchema);
    const newest = await newestAppliedMigration(client);
    const scratch = `portal_schema_check_${randomBytes(6).toString('hex')}`;
    await client.query(`create schema "${scratch}"`);
    await client.query(`set local search_path = "${scratch}"`);
    for (const migration of readMigrationFiles({ migrationsFolder: folder })) {
      if (migration.folderMillis > newest) continue;
      for (const statement of migration.sql) await client.query(statement.replaceAll(`"${portalSchema}".`, `"${scratch}".`));
    }
    const expected = await schemaObjects(client, scratch);
    const differences = new Map<string, string>();
    for (const [key, definition] of expected) {
      const found = actual.get(key);
      if (found === undefined) differences.set(key, `${key} is missing`);
      else if (found !== definition) differences.set(key, `${key} is changed (it is not as the migrations create it)`);
    }
    for (const key of actual.keys()) if (!expected.has(key)) differences.set(key, `${key} is extra (no migration creates it)`);
    return [...differences.keys()].sort(byKindAndName).map((key) => differences.get(key) ?? key);
  } finally {
    await client.query('rollback');
    client.release();
  }
}
