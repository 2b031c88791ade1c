// The database `npm run consent:anchor` and `npm run consent:verify` read: refused, untouched, unless it is a portal
// database whose schema is exactly what its migrations create; a sound one at an older migration is migrated first, as
// `npm start` would.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqliteStore, openStore, storeName, type StoreLocation } from '../../db/connection.ts';
import type { Store } from '../../db/store.ts';
import { migrationsProblem, schemaChanges } from '../../db/store-status.ts';
import { projectRoot } from './content.ts';
import { inspectDatabase, portalMigrationsFolder } from './database-report.ts';

const postgresMigrations = join(projectRoot, 'db/postgres/migrations');

/**
 * Checks the database without changing it; `open` then opens it (migrating a sound SQLite file at an older migration).
 * `name` is how messages name it (the path, or the PostgreSQL server and database without the password).
 */
export async function checkChainDatabase(environment: StoreLocation): Promise<{ name: string; open: () => Store }> {
  const name = storeName(environment);
  if (environment.DATABASE_URL) {
    const store = openStore(environment, { onConnectionError: () => {} });
    const problems = !(await store.answers())
      ? ['it does not answer']
      : [await migrationsProblem(store, postgresMigrations), ...(await schemaChanges(store, postgresMigrations))].filter(
          (problem): problem is string => problem !== undefined,
        );
    if (problems.length > 0) {
      await store.close();
      refuse(`${name} is not the portal’s database, or not as its migrations make it: ${problems.join('; ')}`);
    }
    return { name, open: () => store };
  }
  const path = environment.DATABASE_PATH;
  if (!existsSync(path)) refuse(`no database at ${path} (DATABASE_PATH)`);
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  const report = await inspectDatabase(probe, { withChain: false });
  probe.close();
  if (report.problems.length > 0) refuse(`${path} is not the portal’s database, or not as its migrations make it: ${report.problems.join('; ')}`);
  return {
    name,
    open: () => openSqliteStore(path, { migrate: report.migrations.missing > 0, migrationsFolder: portalMigrationsFolder }),
  };
}

/** Says why, on standard error, and exits 1. */
export function refuse(message: string): never {
  console.error(`Refused: ${message}. Nothing was changed.`);
  process.exit(1);
}
