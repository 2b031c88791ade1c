import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makePrivateFolder } from '../lib/private-files.ts';
import { getEnvironment } from './environment.ts';

let secret: string | undefined;

/** The key for signed links: PORTAL_SECRET, else a random key kept (mode 0600) next to the database. */
export function getPortalSecret(): string {
  if (secret) return secret;
  const environment = getEnvironment();
  if (environment.PORTAL_SECRET) {
    secret = environment.PORTAL_SECRET;
    return secret;
  }
  const file = join(dirname(resolve(environment.DATABASE_PATH)), 'portal-secret');
  if (!existsSync(file)) {
    makePrivateFolder(dirname(file));
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  }
  secret = readFileSync(file, 'utf8').trim();
  return secret;
}
