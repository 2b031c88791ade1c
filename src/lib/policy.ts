import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isLocale, locales, type Locale } from './locale.ts';

/** Documents the portal publishes; the URL segment is the key. */
export const documentKeys = ['privacy-notice', 'cookie-policy'] as const;
export type DocumentKey = (typeof documentKeys)[number];

export function isDocumentKey(value: unknown): value is DocumentKey {
  return typeof value === 'string' && (documentKeys as readonly string[]).includes(value);
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date written YYYY-MM-DD; YAML parsers hand unquoted dates over as Date objects at UTC midnight. */
export const calendarDateSchema = z
  .union([z.date(), z.string().regex(isoDate)])
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  }, 'not a real calendar date');

/** Frontmatter of one policy document version in one locale. */
export const policyFrontmatterSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  version: z.number().int().positive().max(999_999),
  effective: calendarDateSchema,
  summary: z.string().trim().min(1).max(1000),
});
export type PolicyFrontmatter = z.infer<typeof policyFrontmatterSchema>;

export interface PolicySection {
  /** Stable anchor shared by every locale and version, e.g. `retention`. */
  key: string;
  heading: string;
  markdown: string;
}

export interface PolicyText {
  document: DocumentKey;
  version: number;
  locale: Locale;
  title: string;
  effective: string;
  summary: string;
  intro: string;
  sections: PolicySection[];
  /** SHA-256 of the normalised Markdown body: what a consent record names as "the exact text". */
  textHash: string;
}

const sectionHeading = /^## (.+?) \{#([a-z][a-z0-9-]{0,40})\}\s*$/;

/** Splits a Markdown body into its intro and `## Heading {#key}` sections. */
export function parseSections(body: string): { intro: string; sections: PolicySection[] } {
  const lines = normaliseBody(body).split('\n');
  const intro: string[] = [];
  const sections: { key: string; heading: string; lines: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith('## ')) {
      const match = sectionHeading.exec(line);
      if (!match) throw new Error(`section heading without a {#key} anchor: "${line}"`);
      const [, heading = '', key = ''] = match;
      if (sections.some((section) => section.key === key)) throw new Error(`section key #${key} appears twice`);
      sections.push({ key, heading: heading.trim(), lines: [] });
      continue;
    }
    (sections.at(-1)?.lines ?? intro).push(line);
  }
  if (sections.length === 0) throw new Error('a policy needs at least one "## Heading {#key}" section');
  return {
    intro: intro.join('\n').trim(),
    sections: sections.map(({ key, heading, lines: body }) => ({ key, heading, markdown: body.join('\n').trim() })),
  };
}

export function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').trim();
}

export function hashText(body: string): string {
  return createHash('sha256').update(normaliseBody(body), 'utf8').digest('hex');
}

/** The coordinates of a content entry, from its id `document/version/locale`. */
export function parseEntryId(id: string): { document: DocumentKey; version: number; locale: Locale } {
  const [document, version, locale, ...rest] = id.split('/');
  if (rest.length > 0 || !isDocumentKey(document) || !isLocale(locale) || !/^[1-9]\d*$/.test(version ?? '')) {
    throw new Error(`policy file "${id}" must live at content/policies/<document>/<version>/<locale>.md`);
  }
  return { document, version: Number(version), locale };
}

/** Builds one policy text from a content entry, checking that the frontmatter matches the file's place. */
export function toPolicyText(id: string, data: PolicyFrontmatter, body: string): PolicyText {
  const place = parseEntryId(id);
  if (data.version !== place.version) {
    throw new Error(`${id}: frontmatter says version ${data.version}, the folder says ${place.version}`);
  }
  return { ...place, ...data, ...parseSections(body), textHash: hashText(body) };
}

export { locales };
