// An SQLite database as files: the main file and the ones SQLite keeps beside it, and who has them open.
import { readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';

/** The files SQLite keeps beside a database while it is in use (WAL) or in a transaction (rollback journal). */
export const sidecarSuffixes = ['-wal', '-shm', '-journal'] as const;

/** A database file and its sidecars. */
export const withSidecars = (path: string): string[] => [path, ...sidecarSuffixes.map((suffix) => path + suffix)];

/** Deletes a database file and its sidecars, where they exist. */
export function removeDatabaseFiles(path: string): void {
  for (const file of withSidecars(path)) rmSync(file, { force: true });
}

const entries = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};
const target = (link: string): string | undefined => {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
};

/**
 * The ids of the processes other than this one that have any of `paths` open, read from Linux's /proc: an SQLite
 * connection keeps its database file open from the moment it is made, even while it holds no lock. Elsewhere (no
 * /proc) the answer is an empty list.
 */
export function processesUsing(paths: readonly string[]): number[] {
  const wanted = new Set(
    paths.flatMap((path) => {
      try {
        return [path, realpathSync(path)];
      } catch {
        return [path];
      }
    }),
  );
  return entries('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => entries(`/proc/${pid}/fd`).some((fd) => wanted.has(target(`/proc/${pid}/fd/${fd}`) ?? '')))
    .map(Number);
}
