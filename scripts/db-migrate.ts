// `npm run db:migrate`: the release step that brings the database to this version's schema: the committed migrations
// (and the lookup forms they need), under a lock so instances started together never migrate at once. `npm start`
// runs it first (prestart); the portal itself only checks that the database is current and refuses to serve otherwise.
import { join } from 'node:path';
import { migrateDatabase, openDatabase, storeName } from '../db/connection.ts';
import { closePostgresDatabase, migratePostgresDatabase, migrationDifferences, openPostgresDatabase } from '../db/postgres/connection.ts';
import { postgresSchemaDifferences } from '../db/postgres/schema-check.ts';
import { sqliteMigrationLock } from '../db/migration-lock.ts';
import { migrationState } from '../db/migration-state.ts';
import { errorText, fail, environmentOrExit } from './support/cli.ts';
import { projectRoot } from './support/content.ts';
import { keepNewFilesPrivate, tightenPortalFiles } from './support/private-files.ts';
import { changedSchemaRefusal } from './support/schema-refusal.ts';
import { schemaDifferences } from '../db/schema-check.ts';

const environment = environmentOrExit();
class Refusal extends Error {}

if (environment.DATABASE_URL) await migratePostgres(environment.DATABASE_URL);
else migrateSqlite(environment.DATABASE_PATH);

/**
 * PostgreSQL: under the migrations' advisory lock (a second instance migrating at the same moment waits, then finds
 * nothing to do), refused when the database was migrated by a newer version or its schema is not what its migrations
 * make it, before and after.
 */
async function migratePostgres(url: string): Promise<void> {
  const name = storeName(environment);
  const folder = join(projectRoot, 'db/postgres/migrations');
  const db = openPostgresDatabase(url, { maxConnections: 2, onConnectionError: () => {} });
  try {
    const refuseChanged = async (when: string) => {
      const refusal = changedSchemaRefusal(await postgresSchemaDifferences(db, folder), name, when);
      if (refusal) throw new Refusal(`Refusing to migrate: ${refusal}`);
    };
    const before = await migrationDifferences(db, folder);
    const newer = before.filter((line) => line.includes('this version does not have'));
    if (newer.length > 0) throw new Refusal(`Refusing to migrate ${name}: it was migrated by a newer version of the portal (${newer.join('; ')}).`);
    await refuseChanged('as it was found');
    // Counted under the lock: an instance that waited while another migrated applied nothing, and says so.
    const applied = await migratePostgresDatabase(db, folder);
    await refuseChanged('once migrated');
    console.log(`Database ${name}: ${applied === 0 ? 'already current' : `${applied} migration${applied === 1 ? '' : 's'} applied`}.`);
  } catch (error) {
    fail(error instanceof Refusal ? error.message : `Could not migrate ${name}: ${errorText(error)}`);
  } finally {
    await closePostgresDatabase(db);
  }
}

function migrateSqlite(path: string): void {
  const folder = join(projectRoot, 'db/migrations');
  // An older version's files are made private before SQLite opens the database: it gives a new WAL and SHM the mode of
  // the database file.
  keepNewFilesPrivate();
  for (const line of tightenPortalFiles(path, environment.OUTBOX_DIR)) console.log(`Private files: ${line}`);
  try {
    const applied = sqliteMigrationLock(path)(() => {
      const db = openDatabase(path);
      try {
        const refuseChanged = (when: string) => {
          const refusal = changedSchemaRefusal(schemaDifferences(db.$client, folder), path, when);
          if (refusal) throw new Refusal(`Refusing to migrate: ${refusal}`);
        };
        refuseChanged('as it was found');
        const { pending, unknown } = migrationState(db.$client, folder);
        if (unknown > 0)
          throw new Refusal(
            `Refusing to migrate ${path}: it was migrated by a newer version of the portal (${unknown} migration${unknown === 1 ? '' : 's'} this version does not have).`,
          );
        migrateDatabase(db, folder);
        refuseChanged('once migrated');
        return pending;
      } finally {
        db.$client.close();
      }
    });
    console.log(`Database ${path}: ${applied === 0 ? 'already current' : `${applied} migration${applied === 1 ? '' : 's'} applied`}.`);
  } catch (error) {
    fail(error instanceof Refusal ? error.message : `Could not migrate ${path}: ${errorText(error)}`);
  }
}
