// Whether a database holds exactly the committed migrations: what start-up and /readyz check, since applying them is
// a release step of its own (`npm run db:migrate`), never something a serving instance does.
import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrationsFolder } from './connection.ts';

export interface MigrationState {
  /** Committed migrations the database has not applied yet. */
  pending: number;
  /** Migrations the database records that this version does not have (a newer version migrated it). */
  unknown: number;
}

/** Compares drizzle's bookkeeping table with the migrations in `folder`, as drizzle's migrator decides what to run. */
export function migrationState(client: Database.Database, folder: string = migrationsFolder): MigrationState {
  const committed = readMigrationFiles({ migrationsFolder: folder }).map((migration) => migration.folderMillis);
  const bookkeeping = client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  const applied = bookkeeping ? (client.prepare('select created_at from __drizzle_migrations').pluck().all() as (number | string)[]).map(Number) : [];
  const newest = Math.max(0, ...applied);
  const known = new Set(committed);
  return { pending: committed.filter((millis) => millis > newest).length, unknown: applied.filter((millis) => !known.has(millis)).length };
}

/** Why the database is not current, for an operator (it names the command that fixes it); undefined when it is. */
export function migrationProblem(state: MigrationState): string | undefined {
  if (state.unknown > 0)
    return `the database was migrated by a newer version of the portal (${state.unknown} migration${state.unknown === 1 ? '' : 's'} this version does not have): run that version, or restore a backup made for this one`;
  if (state.pending > 0) return `${state.pending} migration${state.pending === 1 ? ' is' : 's are'} not applied yet: run npm run db:migrate`;
  return undefined;
}
