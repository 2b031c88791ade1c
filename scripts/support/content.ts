// The portal's content files as the scripts read them, from this checkout (src/lib/portal-content.ts reads them).
import { resolve } from 'node:path';
import type { Messages } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import type { Organisation } from '../../src/lib/organisation.ts';
import { readLocaleMessages, readOrganisationFile, readSitesFile } from '../../src/lib/portal-content.ts';
import type { Site } from '../../src/lib/site.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');

/** content/organisation.json, validated. */
export function readOrganisation(): Organisation {
  return readOrganisationFile(projectRoot);
}

/** content/sites.json, validated. */
export function readSites(): readonly Site[] {
  return readSitesFile(projectRoot);
}

/** The UI strings of a locale (locales/{locale}.json). */
export function readMessages(locale: Locale): Messages {
  return readLocaleMessages(projectRoot, locale);
}
