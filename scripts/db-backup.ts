// `npm run db:backup -- <file> [--force]`: a consistent copy of the database at DATABASE_PATH, taken with SQLite's
// online backup while the portal keeps serving and writing. The copy is checked (integrity, schema, consent chain)
// under a temporary name beside the target and only then renamed, so a file with the final name is always whole.
// It holds personal data (requests, email addresses): it is readable by its owner only, from its first byte.
import { existsSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile } from '../src/lib/private-files.ts';
import { errorText, fail, readCommandLine, environmentOrExit, sqliteFileOnly } from './support/cli.ts';
import { removeDatabaseFiles } from './support/database-files.ts';
import { describeDatabase, inspectDatabase } from './support/database-report.ts';
import { keepNewFilesPrivate } from './support/private-files.ts';

keepNewFilesPrivate();

const usage = 'Usage: npm run db:backup -- <file> [--force]   (--force replaces an existing file)';
const parsed = readCommandLine(usage, { force: { type: 'boolean' } });
const [target, ...extra] = parsed.positionals.map((path) => resolve(path));
if (!target || extra.length > 0) fail(`Name one file to write the backup to.\n${usage}`);

const source = resolve(sqliteFileOnly(environmentOrExit(), 'backs up', 'pg_dump or point-in-time recovery').DATABASE_PATH);

if (!existsSync(source)) fail(`No database at ${source} (DATABASE_PATH): nothing to back up.`);
if (target === source) fail('The backup cannot replace the live database itself.');
if (!existsSync(dirname(target)) || !statSync(dirname(target)).isDirectory()) fail(`The folder ${dirname(target)} does not exist.`);
if (existsSync(target) && !parsed.values.force) fail(`${target} already exists; choose another name or add --force to replace it.`);

const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
// Made 0600 before SQLite writes a page into it (its journal takes the same mode); never one left by an earlier run.
removeDatabaseFiles(partial);
createPrivateFile(partial);

const started = performance.now();
const live = new Database(source, { fileMustExist: true });
try {
  live.pragma('busy_timeout = 5000');
  // All pages in one step: one read transaction, a consistent snapshot that never blocks the portal's writers (WAL).
  // Copied a hundred pages at a time, the backup would start over after every write the portal makes in between.
  await live.backup(partial, { progress: () => 0x7fffffff });
} catch (error) {
  removeDatabaseFiles(partial);
  fail(`The backup failed: ${errorText(error)}`);
} finally {
  live.close();
}

const copy = new Database(partial, { fileMustExist: true });
// One self-contained file: no -wal beside it to forget when it is moved.
copy.pragma('journal_mode = DELETE');
const report = await inspectDatabase(copy);
copy.close();
if (report.problems.length > 0) {
  removeDatabaseFiles(partial);
  fail(`The copy of ${source} is not usable, so no backup was written: ${report.problems.join('; ')}.`);
}
renameSync(partial, target);

const seconds = ((performance.now() - started) / 1000).toFixed(2);
console.log([`Backup of ${source} written in ${seconds} s:`, ...describeDatabase(target, report)].join('\n'));
if (report.chain?.firstBreak) {
  // The copy is kept (it is what the live database holds), but an operator must look at it.
  fail(`The consent chain in the backup is BROKEN at record #${report.chain.firstBreak.id}, as it is in the live database: run npm run consent:verify.`);
}
