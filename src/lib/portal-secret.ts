import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Environment } from './environment.ts';
import { makePrivateFolder } from './private-files.ts';

/**
 * The key for signed links and cookies: PORTAL_SECRET, else a random key kept (mode 0600) next to the database, made
 * the first time it is needed.
 */
export function readPortalSecret(environment: Pick<Environment, 'PORTAL_SECRET' | 'DATABASE_PATH'>): string {
  if (environment.PORTAL_SECRET) return environment.PORTAL_SECRET;
  const file = join(dirname(resolve(environment.DATABASE_PATH)), 'portal-secret');
  if (!existsSync(file)) {
    makePrivateFolder(dirname(file));
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return readFileSync(file, 'utf8').trim();
}
