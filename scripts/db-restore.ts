// `npm run db:restore -- <file>`: replaces the database at DATABASE_PATH by a backup, with the portal stopped.
// The backup is checked first (integrity, a portal database this version can run, its tables, indexes and triggers
// exactly as its migrations make them, the consent chain once migrated); the database it replaces is kept beside it
// as `<name>.before-restore-<time>`; nothing is touched when a check fails.
// Both hold personal data: readable by their owner only (0600), the restored one from its first byte.
import { chmodSync, existsSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { createPrivateFile, makePrivateFolder } from '../src/lib/private-files.ts';
import { errorText, fail, readCommandLine, environmentOrExit, sqliteFileOnly } from './support/cli.ts';
import { processesUsing, removeDatabaseFiles, withSidecars } from './support/database-files.ts';
import { describeDatabase, inspectDatabase, portalMigrationsFolder, problemsOf } from './support/database-report.ts';
import { keepNewFilesPrivate } from './support/private-files.ts';

keepNewFilesPrivate();

const live = resolve(sqliteFileOnly(environmentOrExit(), 'restores', 'pg_restore').DATABASE_PATH);
const usage = 'Usage: npm run db:restore -- <backup file>   (stop the portal first)';
const parsed = readCommandLine(usage, {});
const [backup, ...extra] = parsed.positionals.map((path) => resolve(path));
if (!backup || extra.length > 0) fail(`Name the one backup file to restore.\n${usage}`);
if (!existsSync(backup) || !statSync(backup).isFile()) fail(`No backup file at ${backup}.`);

if (backup === live) fail('The backup is the live database itself (DATABASE_PATH); nothing to restore.');

// 1. The backup, read-only.
let source: Database.Database;
try {
  source = new Database(backup, { readonly: true, fileMustExist: true });
} catch (error) {
  fail(`${backup} cannot be opened as an SQLite database (${errorText(error)}); nothing was changed.`);
}
const checked = await inspectDatabase(source);
if (problemsOf(checked).length > 0) {
  source.close();
  fail(`Refusing to restore ${backup}: ${problemsOf(checked).join('; ')}. Nothing was changed.`);
}

// 2. The portal must be stopped. Any process with the file open is named (Linux); and leaving WAL mode needs every
//    other connection closed, so it fails while one still holds the database. On success the WAL is folded in.
const inUse = (by: string): never => {
  source.close();
  fail(`The database at ${live} is in use${by}: stop the portal first (SIGTERM lets it finish what it is doing), then restore again. Nothing was changed.`);
};
const users = processesUsing(withSidecars(live));
if (users.length > 0) inUse(` by process ${users.join(', ')}`);
if (existsSync(live)) {
  const current = new Database(live, { fileMustExist: true });
  let busy = false;
  try {
    current.pragma('busy_timeout = 1000');
    busy = current.pragma('journal_mode = DELETE', { simple: true }) !== 'delete';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
    // A damaged database is why one restores: it is kept aside as it is, with its WAL.
    if (!busy) console.warn(`The current database cannot be read (${errorText(error)}); it is kept aside as it is.`);
  } finally {
    current.close();
  }
  if (busy) inUse('');
}

// 3. A copy of the backup beside the live file, brought to the current schema and checked again.
makePrivateFolder(dirname(live));
const staging = `${live}.restoring-${process.pid}`;
let restored: Awaited<ReturnType<typeof inspectDatabase>>;
let migrationsApplied = 0;
try {
  removeDatabaseFiles(staging);
  createPrivateFile(staging);
  await source.backup(staging, { progress: () => 0x7fffffff });
  source.close();
  const db = openDatabase(staging);
  migrateDatabase(db, portalMigrationsFolder);
  db.$client.pragma('journal_mode = DELETE');
  restored = await inspectDatabase(db.$client);
  migrationsApplied = restored.migrations.applied - checked.migrations.applied;
  db.$client.close();
} catch (error) {
  if (source.open) source.close();
  removeDatabaseFiles(staging);
  fail(`The restore failed before the live database was touched: ${errorText(error)}`);
}
const afterMigration = [...problemsOf(restored), ...(restored.chain ? [] : ['its consent chain could not be checked'])];
if (afterMigration.length > 0) {
  removeDatabaseFiles(staging);
  fail(`Refusing to restore ${backup}: once migrated, ${afterMigration.join('; ')}. Nothing was changed.`);
}

// 4. The swap: the current database (and any WAL left by a crash) aside, the restored copy in its place.
const leftBehind = withSidecars(live).filter((path) => existsSync(path));
const keptAside = `${live}.before-restore-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`;
for (const path of leftBehind) {
  const aside = keptAside + path.slice(live.length);
  renameSync(path, aside);
  // An older version left the database readable by others (0644): the copy kept aside is made private too.
  chmodSync(aside, statSync(aside).mode & 0o700);
}
renameSync(staging, live);

console.log(
  [
    `Restored ${backup} into ${live}${migrationsApplied ? ` (${migrationsApplied} migration${migrationsApplied === 1 ? '' : 's'} applied to reach the current schema)` : ''}:`,
    ...describeDatabase(live, restored),
    leftBehind.includes(live) ? `The database it replaced is kept at ${keptAside}.` : 'There was no database before.',
    'Start the portal again (npm start).',
  ].join('\n'),
);
