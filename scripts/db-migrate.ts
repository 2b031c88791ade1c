// `npm run db:migrate`: the release step that brings the database to this version's schema: the committed migrations
// (and the lookup forms they need), under a lock so instances started together never migrate at once. `npm start`
// runs it first (prestart); the portal itself only checks that the database is current and refuses to serve otherwise.
import { join } from 'node:path';
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { sqliteMigrationLock } from '../db/migration-lock.ts';
import { migrationState } from '../db/migration-state.ts';
import { readEnvironment } from '../src/lib/environment.ts';
import { errorText, fail } from './support/cli.ts';
import { projectRoot } from './support/content.ts';
import { keepNewFilesPrivate, tightenPortalFiles } from './support/private-files.ts';
import { changedSchemaRefusal } from './support/schema-refusal.ts';

const environment = readEnvironment(process.env);
const path = environment.DATABASE_PATH;
const folder = join(projectRoot, 'db/migrations');

// An older version's files are made private before SQLite opens the database: it gives a new WAL and SHM the mode of
// the database file.
keepNewFilesPrivate();
for (const line of tightenPortalFiles(path, environment.OUTBOX_DIR)) console.log(`Private files: ${line}`);

class Refusal extends Error {}

try {
  const applied = sqliteMigrationLock(path)(() => {
    const db = openDatabase(path);
    try {
      const refuseChanged = (when: string) => {
        const refusal = changedSchemaRefusal(db.$client, path, folder, when);
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
