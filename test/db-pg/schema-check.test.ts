import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import {
  closePostgresDatabase,
  migratePostgresDatabase,
  openPostgresDatabase,
  postgresMigrationsFolder,
  type PostgresDatabase,
} from '../../db/postgres/connection.ts';
import { postgresSchemaDifferences } from '../../db/postgres/schema-check.ts';
import { databaseForThisTest, postgresReachable } from '../support/postgres.ts';

const reachable = await postgresReachable();

/** A fresh database migrated by the committed migrations (or by `folder`), closed and dropped after the test. */
async function migrated(folder?: string): Promise<PostgresDatabase> {
  const db = openPostgresDatabase((await databaseForThisTest()).url);
  onTestFinished(() => closePostgresDatabase(db));
  await migratePostgresDatabase(db, folder);
  return db;
}

const run = (db: PostgresDatabase, statements: string) => db.$client.query(statements);

describe.skipIf(!reachable)('postgresSchemaDifferences()', () => {
  test('a database made by the migrations has none, whether current or as an older version left it, and the check leaves nothing behind', async () => {
    const db = await migrated();
    expect(await postgresSchemaDifferences(db)).toEqual([]);
    const { rows } = await db.$client.query("select nspname from pg_namespace where nspname like 'portal_schema_check_%'");
    expect(rows).toEqual([]);

    const older = mkdtempSync(join(tmpdir(), 'portal-pg-older-'));
    onTestFinished(() => rmSync(older, { recursive: true, force: true }));
    cpSync(postgresMigrationsFolder, older, { recursive: true });
    const journal = JSON.parse(readFileSync(join(older, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const olderDb = await migrated(older);
    expect(await postgresSchemaDifferences(olderDb)).toEqual([]);
  });

  test('names a dropped append-only trigger', async () => {
    const db = await migrated();
    await run(db, 'drop trigger consent_records_no_delete on consent_records; drop trigger audit_events_no_update on audit_events');
    expect(await postgresSchemaDifferences(db)).toEqual(['trigger audit_events_no_update is missing', 'trigger consent_records_no_delete is missing']);
  });

  test('names a disabled trigger', async () => {
    const db = await migrated();
    await run(db, 'alter table request_events disable trigger request_events_no_delete');
    expect(await postgresSchemaDifferences(db)).toEqual(['trigger request_events_no_delete is changed (it is not as the migrations create it)']);
  });

  test('names a trigger function whose body was changed, even one that keeps its name and message', async () => {
    const db = await migrated();
    await run(
      db,
      `create or replace function consent_records_no_delete() returns trigger language plpgsql as $$
       begin
         if false then raise exception 'consent records are append-only'; end if;
         return old;
       end $$`,
    );
    expect(await postgresSchemaDifferences(db)).toEqual(['function consent_records_no_delete() is changed (it is not as the migrations create it)']);
  });

  test('names an extra trigger, function, rule, table, index or view that no migration creates', async () => {
    const db = await migrated();
    await run(
      db,
      `create table shadow (email text);
       create index shadow_email on shadow (email);
       create function copy_out() returns trigger language plpgsql as $$ begin insert into shadow values (new.email); return new; end $$;
       create trigger requests_copy_out after insert on requests for each row execute function copy_out();
       create rule consent_copy as on insert to consent_records do also insert into shadow values (new.consent_id);
       create view emails as select email from requests;`,
    );
    expect(await postgresSchemaDifferences(db)).toEqual([
      'function copy_out() is extra (no migration creates it)',
      'index shadow_email is extra (no migration creates it)',
      'rule consent_copy is extra (no migration creates it)',
      'table shadow is extra (no migration creates it)',
      'trigger requests_copy_out is extra (no migration creates it)',
      'view emails is extra (no migration creates it)',
    ]);
  });

  test('names a changed column, a dropped index and a dropped foreign key', async () => {
    const db = await migrated();
    await run(
      db,
      `alter table requests alter column email_key set not null;
       drop index requests_email_key;
       alter table request_events drop constraint request_events_request_id_requests_id_fk;`,
    );
    expect(await postgresSchemaDifferences(db)).toEqual([
      'constraint request_events_request_id_requests_id_fk is missing',
      'index requests_email_key is missing',
      'table requests is changed (it is not as the migrations create it)',
    ]);
  });
});
