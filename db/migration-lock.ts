// One migrator at a time per database. For SQLite the lock is a file beside the database, created exclusively
// (O_EXCL) and naming its holder's pid: two instances started together migrate one after the other, and a lock left
// by a killed migrator is taken over once its pid is gone. PostgreSQL holds a session advisory lock instead
// (db/postgres/connection.ts); both fit `MigrationLock`.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makePrivateFolder } from '../src/lib/private-files.ts';

/** Runs `migrate` while no other process migrates the same database. */
export type MigrationLock = <T>(migrate: () => T) => T;

/** The lock file of a SQLite database: named like its WAL, so the start-up permission check counts it as the portal's. */
export const migrationLockPath = (databasePath: string) => `${resolve(databasePath)}-migrate.lock`;

function holderIsAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return true; // made but not written yet: its creator is alive
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The SQLite database's migration lock; `waitMs` is how long another migrator may hold it before this one gives up
 * with an error naming the lock file.
 */
export function sqliteMigrationLock(databasePath: string, { waitMs = 120_000 }: { waitMs?: number } = {}): MigrationLock {
  return (migrate) => {
    if (databasePath === ':memory:') return migrate();
    const path = migrationLockPath(databasePath);
    makePrivateFolder(dirname(path));
    const deadline = Date.now() + waitMs;
    let descriptor: number | undefined;
    while (descriptor === undefined) {
      try {
        descriptor = openSync(path, 'wx', 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!holderIsAlive(path)) {
          unlinkSync(path);
          continue;
        }
        if (Date.now() > deadline)
          throw new Error(`another process has been migrating this database for ${waitMs / 1000} s (lock ${path}); if none is, delete the lock file`);
        pause(100);
      }
    }
    try {
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      return migrate();
    } finally {
      unlinkSync(path);
    }
  };
}
