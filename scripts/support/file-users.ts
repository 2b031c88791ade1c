// Which other processes have a file open, read from Linux's /proc: an SQLite connection keeps its database file open
// from the moment it is made, even while it holds no lock. Elsewhere (no /proc) the answer is an empty list.
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';

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

/** The ids of the processes other than this one that have any of `paths` open. */
export function processesUsing(paths: readonly string[]): number[] {
  const wanted = new Set(paths.flatMap((path) => {
    try {
      return [path, realpathSync(path)];
    } catch {
      return [path];
    }
  }));
  return entries('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => entries(`/proc/${pid}/fd`).some((fd) => wanted.has(target(`/proc/${pid}/fd/${fd}`) ?? '')))
    .map(Number);
}
