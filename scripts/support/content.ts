// The portal's content files as the scripts read them: plain Node has no bundler to import JSON for it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Messages } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { organisationSchema, type Organisation } from '../../src/lib/organisation.ts';
import { sitesFileSchema, type Site } from '../../src/lib/site.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');

const readJson = (path: string): unknown => JSON.parse(readFileSync(join(projectRoot, path), 'utf8'));

/** content/organisation.json, validated. */
export function readOrganisation(): Organisation {
  return organisationSchema.parse(readJson('content/organisation.json'));
}

/** content/sites.json, validated. */
export function readSites(): readonly Site[] {
  return sitesFileSchema.parse(readJson('content/sites.json')).sites;
}

/** The UI strings of a locale (locales/{locale}.json). */
export function readMessages(locale: Locale): Messages {
  return readJson(`locales/${locale}.json`) as Messages;
}
