// The operator scripts' side of private files: whatever they create from the start is their account's own (umask),
// and at start-up the portal's files an older version left readable by others (0644 and 0755 under a usual umask)
// are made private again.
import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errorText } from './cli.ts';

/** Every file and folder this process creates from now on is its owner's only, whatever mode it is created with. */
export function keepNewFilesPrivate(): void {
  process.umask(0o077);
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** Takes group and other access away from `path` when it has any; a line for the log when it did, or could not. */
function tighten(path: string): string | undefined {
  const mode = lstatSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  try {
    chmodSync(path, mode & 0o700);
    return `${path}: was readable by others (${octal(mode)}), now ${octal(mode & 0o700)}`;
  } catch (error) {
    return `${path}: is readable by others (${octal(mode)}) and cannot be made private: ${errorText(error)}`;
  }
}

/**
 * The regular files in `folder` that `isPortals` names are made private; the folder too when it holds nothing else,
 * else it is left as the operator made it (a shared folder such as /tmp must stay as it is) and the log says so.
 */
function tightenFolder(folder: string, isPortals: (name: string) => boolean): string[] {
  if (!existsSync(folder) || !lstatSync(folder).isDirectory()) return [];
  const names = readdirSync(folder);
  const lines = names.filter((name) => isPortals(name) && lstatSync(join(folder, name)).isFile()).map((name) => tighten(join(folder, name)));
  const mode = lstatSync(folder).mode & 0o777;
  if (names.every(isPortals)) lines.push(tighten(folder));
  else if ((mode & 0o077) !== 0)
    lines.push(`${folder}: readable by others (${octal(mode)}), left as it is since it holds other files too; the portal's files in it are private`);
  return lines.filter((line): line is string => line !== undefined);
}

/**
 * Makes the portal's files private where they are not: beside the database, the database with its WAL, SHM and
 * journal, the copies a restore kept aside, and the generated portal-secret; in the outbox, its .eml mails. Each
 * folder is made 0700 when it holds only those. Returns one line per change, for the log.
 */
export function tightenPortalFiles(databasePath: string, outboxDir: string): string[] {
  const database = resolve(databasePath);
  const dataFolder = dirname(database);
  const outbox = resolve(outboxDir);
  const base = basename(database);
  const isDataFile = (name: string) =>
    name === base ||
    name === 'portal-secret' ||
    ['-', '.before-restore-', '.restoring-'].some((mark) => name.startsWith(base + mark)) ||
    join(dataFolder, name) === outbox;
  return [...tightenFolder(dataFolder, isDataFile), ...tightenFolder(outbox, (name) => name.endsWith('.eml'))];
}
