import { documentKeys, type DocumentKey, type PolicyText } from './policy.ts';
import { locales, type Locale } from './locale.ts';

export interface PolicyVersion {
  document: DocumentKey;
  version: number;
  effective: string;
  texts: Record<Locale, PolicyText>;
}

/** Every version of every document, oldest first. */
export type PolicyCatalog = Record<DocumentKey, PolicyVersion[]>;

export type VersionStatus = 'current' | 'superseded' | 'upcoming';

/**
 * Groups policy texts into versions and enforces the content rules: every document starts at version 1 with no gaps,
 * every version exists in every locale with the same effective date and the same sections in the same order.
 * Throws one error listing every problem, so a broken content change fails the build and the tests.
 */
export function buildCatalog(texts: readonly PolicyText[]): PolicyCatalog {
  const problems: string[] = [];
  const catalog = {} as PolicyCatalog;
  for (const document of documentKeys) {
    const ofDocument = texts.filter((text) => text.document === document);
    const numbers = [...new Set(ofDocument.map((text) => text.version))].sort((a, b) => a - b);
    if (numbers.length === 0) problems.push(`${document}: no version published`);
    numbers.forEach((number, index) => {
      if (number !== index + 1) problems.push(`${document}: version ${index + 1} is missing before version ${number}`);
    });
    catalog[document] = numbers.map((version) => {
      const texts = {} as Record<Locale, PolicyText>;
      for (const locale of locales) {
        const text = ofDocument.find((candidate) => candidate.version === version && candidate.locale === locale);
        if (text) texts[locale] = text;
        else problems.push(`${document} v${version}: no ${locale} text`);
      }
      const present = Object.values(texts);
      const reference = present[0];
      for (const text of present.slice(1)) {
        if (!reference) break;
        if (text.effective !== reference.effective) {
          problems.push(`${document} v${version}: ${text.locale} takes effect ${text.effective}, ${reference.locale} ${reference.effective}`);
        }
        const keys = text.sections.map((section) => section.key).join(',');
        const referenceKeys = reference.sections.map((section) => section.key).join(',');
        if (keys !== referenceKeys) {
          problems.push(`${document} v${version}: ${text.locale} has sections [${keys}], ${reference.locale} has [${referenceKeys}]`);
        }
      }
      return { document, version, effective: reference?.effective ?? '', texts };
    });
    const versions = catalog[document];
    versions.slice(1).forEach((entry, index) => {
      const previous = versions[index];
      if (previous && entry.effective <= previous.effective) {
        problems.push(`${document} v${entry.version} takes effect on or before v${previous.version}`);
      }
    });
  }
  if (problems.length > 0) throw new Error(`Policy content is inconsistent:\n- ${problems.join('\n- ')}`);
  return catalog;
}

/** The version in force on `today` (YYYY-MM-DD): the newest one whose effective date has come. */
export function currentVersion(versions: readonly PolicyVersion[], today: string): PolicyVersion | undefined {
  return versions.findLast((entry) => entry.effective <= today);
}

export function findVersion(versions: readonly PolicyVersion[], version: number): PolicyVersion | undefined {
  return versions.find((entry) => entry.version === version);
}

export function versionStatus(versions: readonly PolicyVersion[], version: number, today: string): VersionStatus {
  const current = currentVersion(versions, today);
  if (current?.version === version) return 'current';
  return (findVersion(versions, version)?.effective ?? '') > today ? 'upcoming' : 'superseded';
}

/** A version number from a URL segment: digits only, no sign, no leading zero, sane length; otherwise undefined. */
export function parseVersionParam(segment: string | undefined): number | undefined {
  return segment && /^[1-9]\d{0,5}$/.test(segment) ? Number(segment) : undefined;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's calendar date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}
