import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Messages } from './i18n.ts';
import { locales, type Locale } from './locale.ts';
import { organisationSchema, type Organisation } from './organisation.ts';
import { sitesFileSchema, type Site } from './site.ts';

// The portal's own content files, read from the checkout (`root`) and validated: one reader for the serving process,
// `astro dev` and the scripts alike, so no part of the portal bundles its own copy of them.

const readJson = (root: string, path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** content/organisation.json: the organisation's names, DPO, time zone and deadline rule. */
export function readOrganisationFile(root: string): Organisation {
  return organisationSchema.parse(readJson(root, 'content/organisation.json'));
}

/** content/sites.json: the sites allowed to embed the banner. */
export function readSitesFile(root: string): readonly Site[] {
  return sitesFileSchema.parse(readJson(root, 'content/sites.json')).sites;
}

/** The UI strings of a locale (locales/{locale}.json); their keys are checked by the content tests. */
export function readLocaleMessages(root: string, locale: Locale): Messages {
  return readJson(root, `locales/${locale}.json`) as Messages;
}

/** The UI strings of every locale. */
export function readAllLocaleMessages(root: string): Record<Locale, Messages> {
  return Object.fromEntries(locales.map((locale) => [locale, readLocaleMessages(root, locale)])) as Record<Locale, Messages>;
}
