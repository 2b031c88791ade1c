// The database `npm run consent:anchor` and `npm run consent:verify` read: refused, untouched, unless it is a portal
// database whose schema is exactly what its migrations create; a sound one at an older migration is migrated first, as
// `npm start` would.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../db/connection.ts';
import type { SqliteStore } from '../../db/store.ts';
import { inspectDatabase, portalMigrationsFolder } from './database-report.ts';

/** Checks the file without changing it; `open` then opens it (migrating a sound one at an older migration). */
export async function checkChainDatabase(path: string): Promise<{ open: () => SqliteStore }> {
  if (!existsSync(path)) refuse(`no database at ${path} (DATABASE_PATH)`);
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  const report = await inspectDatabase(probe, { withChain: false });
  probe.close();
  if (report.problems.length > 0) refuse(`${path} is not the portal’s database, or not as its migrations make it: ${report.problems.join('; ')}`);
  return {
    open: () => openSqliteStore(path, { migrate: report.migrations.missing > 0, migrationsFolder: portalMigrationsFolder }),
  };
}

/** Says why, on standard error, and exits 1. */
export function refuse(message: string): never {
  console.error(`Refused: ${message}. Nothing was changed.`);
  process.exit(1);
}
