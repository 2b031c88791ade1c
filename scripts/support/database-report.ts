// What an operator needs to know about a portal database file before trusting it, shared by `npm run db:backup`
// (the copy it made) and `npm run db:restore` (the backup it is given): table names and counts, never their rows.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { schemaDifferences } from '../../db/schema-check.ts';
import * as schema from '../../db/schema.ts';
import { verifyConsentChain } from '../../src/lib/consent.repo.ts';
import { projectRoot } from './content.ts';

export const portalMigrationsFolder = join(projectRoot, 'db/migrations');

export interface DatabaseReport {
  /** Why the file is not a sound portal database this version can run (the consent chain is reported apart). */
  problems: string[];
  integrityOk: boolean;
  tables: { name: string; rows: number }[];
  /** Migrations recorded in the file, and how many of this version's migrations it still lacks. */
  migrations: { applied: number; missing: number };
  chain?: Awaited<ReturnType<typeof verifyConsentChain>>;
  newestConsentAt?: number | undefined;
}

const sqliteMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Checks an open SQLite file: integrity, that it is a portal database this version can run, that its schema is exactly
 * what its migrations create, and (when its schema is current) the consent chain.
 */
export async function inspectDatabase(client: Database.Database, { withChain = true }: { withChain?: boolean } = {}): Promise<DatabaseReport> {
  const report: DatabaseReport = { problems: [], integrityOk: false, tables: [], migrations: { applied: 0, missing: 0 } };
  let integrity: string[];
  try {
    integrity = (client.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  } catch (error) {
    report.problems.push(`not a readable SQLite database (${sqliteMessage(error)})`);
    return report;
  }
  report.integrityOk = integrity.join() === 'ok';
  if (!report.integrityOk) {
    report.problems.push(`integrity check failed: ${integrity.slice(0, 5).join('; ')}`);
    return report;
  }

  const names = client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  report.tables = names.map((name) => ({
    name,
    rows: Number(
      client
        .prepare(`select count(*) from "${name.replaceAll('"', '""')}"`)
        .pluck()
        .get(),
    ),
  }));
  if (!names.includes('__drizzle_migrations') || !names.includes('consent_records')) {
    report.problems.push('not a privacy portal database (no migrations table or no consent records)');
    return report;
  }

  // As drizzle's migrator decides: by the time each migration was made.
  const known = readMigrationFiles({ migrationsFolder: portalMigrationsFolder }).map((migration) => migration.folderMillis);
  const applied = client.prepare('select created_at from __drizzle_migrations').pluck().all() as number[];
  const newestApplied = Math.max(0, ...applied);
  const unknown = applied.filter((made) => !known.includes(Number(made))).length;
  report.migrations = { applied: applied.length, missing: known.filter((made) => made > newestApplied).length };
  if (unknown > 0) report.problems.push(`${unknown} of its migrations are unknown to this version of the portal (made by a newer or different version)`);
  // Its append-only triggers and every other object exactly as its migrations make them (a newer version's are unknown).
  else report.problems.push(...schemaDifferences(client, portalMigrationsFolder));
  report.newestConsentAt = (client.prepare('select max(recorded_at) from consent_records').pluck().get() as number | null) ?? undefined;

  // The chain is read with the current schema's columns: a file that still lacks migrations is checked once migrated.
  if (report.migrations.missing > 0 || unknown > 0 || !withChain) return report;
  // From the latest retention checkpoint, when retention has removed the oldest records.
  // A file the script holds alone: its own handle, no store around it.
  report.chain = await verifyConsentChain(drizzle({ client, schema }));
  return report;
}

/** Every reason not to trust the file, the consent chain included. */
export function problemsOf(report: DatabaseReport): string[] {
  const { firstBreak } = report.chain ?? {};
  return [...report.problems, ...(firstBreak ? [`consent chain broken at record #${firstBreak.id} (${firstBreak.reason})`] : [])];
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** The report as lines for the console: counts, sizes and times only. */
export function describeDatabase(path: string, report: DatabaseReport): string[] {
  const { chain } = report;
  const erased = chain?.erased ? ` (${chain.erased} anonymised by erasure requests)` : '';
  const retained = chain?.start.removed ? `, from the retention checkpoint after ${chain.start.removed} older records were deleted` : '';
  return [
    `  file:           ${path} (${megabytes(statSync(path).size)})`,
    `  integrity:      ${report.integrityOk ? 'ok' : 'FAILED'}`,
    `  migrations:     ${report.migrations.applied} applied${report.migrations.missing ? `, ${report.migrations.missing} to apply` : ''}`,
    `  consent chain:  ${!chain ? 'not checked (schema not current)' : chain.firstBreak ? `BROKEN at record #${chain.firstBreak.id}` : `intact, ${chain.checked} records verified${erased}${retained}`}`,
    `  newest consent: ${report.newestConsentAt === undefined ? 'none' : new Date(report.newestConsentAt).toISOString()}`,
    `  rows:           ${report.tables.map((table) => `${table.name} ${table.rows}`).join(', ')}`,
  ];
}
