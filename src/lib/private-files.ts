// Files that hold personal data or secrets (the database and its WAL and SHM, outbox mails, backups, the portal
// secret) are readable by the portal's own account only, from their first byte: created 0600, in folders the portal
// makes 0700. SQLite gives the WAL, SHM and journal it creates the mode of their database file.
import { closeSync, mkdirSync, openSync } from 'node:fs';

export const privateFileMode = 0o600;
export const privateFolderMode = 0o700;

/** Makes `folder` and any missing parent, each 0700; a folder that exists is left as it is. */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: privateFolderMode });
}

/** Creates `path` empty with mode 0600; false, and nothing changed, when it already exists. */
export function createPrivateFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', privateFileMode));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
