import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { migrateDatabase, migrationsFolder, openDatabase } from '../../db/connection.ts';
import { schemaDifferences } from '../../db/schema-check.ts';
import { migratedDatabase } from '../support/database.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portal-schema-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An in-memory database with only the first `count` committed migrations applied, as an older version left it. */
function databaseAtMigration(count: number) {
  const folder = join(scratch, `first-${count}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, count);
  for (const entry of journal.entries) copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  const db = openDatabase(':memory:');
  migrateDatabase(db, folder);
  return db;
}

describe('schemaDifferences()', () => {
  test('a database made by the migrations has none, whether current or as an older version left it', () => {
    expect(schemaDifferences(migratedDatabase().$client)).toEqual([]);
    expect(schemaDifferences(databaseAtMigration(6).$client)).toEqual([]);
  });

  test('names a dropped append-only trigger', () => {
    const { $client: client } = migratedDatabase();
    client.exec('drop trigger consent_records_no_delete; drop trigger audit_events_no_update');
    expect(schemaDifferences(client)).toEqual(['trigger audit_events_no_update is missing', 'trigger consent_records_no_delete is missing']);
  });

  test('names a trigger whose condition was changed, even one that keeps its name and message', () => {
    const { $client: client } = migratedDatabase();
    client.exec(
      "drop trigger marketing_events_no_delete; create trigger marketing_events_no_delete before delete on marketing_events when 0 begin select raise(abort, 'marketing consent events are append-only'); end",
    );
    expect(schemaDifferences(client)).toEqual(['trigger marketing_events_no_delete is changed (it is not as the migrations create it)']);
  });

  test('names an extra trigger, table, index or view that no migration creates', () => {
    const { $client: client } = migratedDatabase();
    client.exec(`
      create trigger requests_copy_out after insert on requests begin select 1; end;
      create table shadow (email text);
      create index shadow_email on shadow (email);
      create view emails as select email from requests;
    `);
    expect(schemaDifferences(client)).toEqual([
      'index shadow_email is extra (no migration creates it)',
      'table shadow is extra (no migration creates it)',
      'trigger requests_copy_out is extra (no migration creates it)',
      'view emails is extra (no migration creates it)',
    ]);
  });

  test('names a changed table or a dropped index', () => {
    const { $client: client } = migratedDatabase();
    client.exec('alter table requests add column copy text; drop index requests_email_key');
    expect(schemaDifferences(client)).toEqual(['index requests_email_key is missing', 'table requests is changed (it is not as the migrations create it)']);
  });

  test('an older database is held to what its own migrations create', () => {
    const { $client: client } = databaseAtMigration(4);
    client.exec('drop trigger consent_records_no_update');
    expect(schemaDifferences(client)).toEqual(['trigger consent_records_no_update is missing']);
  });

  test('layout of the SQL does not count, its content does', () => {
    const { $client: client } = migratedDatabase();
    const sql = client.prepare("select sql from sqlite_master where name = 'audit_events_no_delete'").pluck().get() as string;
    client.exec(`drop trigger audit_events_no_delete; ${sql.replace('BEGIN SELECT', 'BEGIN\n    SELECT').replaceAll('\n', '\r\n  ')}`);
    expect(schemaDifferences(client)).toEqual([]);
  });
});
