import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { locales } from '../../src/lib/locale.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildCatalog } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';

const contentDir = join(import.meta.dirname, '../../content');
const texts = readPolicyTexts(join(contentDir, 'policies'));

describe('sample content', () => {
  test('every document version exists in all four locales with the same sections', () => {
    const catalog = buildCatalog(texts);
    expect(catalog['privacy-notice'].map((version) => version.version)).toEqual([1, 2, 3]);
    expect(catalog['cookie-policy'].map((version) => version.version)).toEqual([1, 2]);
    for (const versions of Object.values(catalog)) {
      for (const version of versions) {
        const counts = locales.map((locale) => version.texts[locale].sections.length);
        expect(new Set(counts).size, `${version.document} v${version.version}`).toBe(1);
      }
    }
  });

  test('the privacy notice covers what GDPR Art. 13 asks for, in every locale', () => {
    const required = ['controller', 'data', 'purposes', 'recipients', 'transfers', 'retention', 'rights', 'complaints', 'cookies', 'changes'];
    // Version 3 adds what the portal itself processes and Art. 13(2)(e), after the data it describes.
    const fromVersion3 = [...required.slice(0, 2), 'portal-processing', 'required-data', ...required.slice(2)];
    for (const text of texts.filter((entry) => entry.document === 'privacy-notice')) {
      expect(
        text.sections.map((section) => section.key),
        `${text.version}/${text.locale}`,
      ).toEqual(text.version >= 3 ? fromVersion3 : required);
    }
  });

  test('version 2 shortens the retention of technical logs from 90 to 30 days and adds Balkan Backup', () => {
    for (const locale of locales) {
      const section = (version: number, key: string) =>
        texts
          .find((text) => text.document === 'privacy-notice' && text.version === version && text.locale === locale)
          ?.sections.find((entry) => entry.key === key)?.markdown ?? '';
      expect(section(1, 'retention'), locale).toMatch(/\b90\b/);
      expect(section(2, 'retention'), locale).not.toMatch(/\b90\b/);
      expect(section(1, 'recipients'), locale).not.toContain('Balkan Backup');
      expect(section(2, 'recipients'), locale).toContain('Balkan Backup');
    }
  });

  test('portal links inside a text stay in its own language', () => {
    for (const text of texts) {
      const body = [text.intro, ...text.sections.map((section) => section.markdown)].join('\n');
      for (const [, target] of body.matchAll(/\]\((\/[^)]*)\)/g)) {
        expect(target, `${text.document} v${text.version} ${text.locale}`).toMatch(new RegExp(`^/${text.locale}/`));
      }
    }
  });

  test('organisation.json names the controller, the DPO and an authority for every country served', () => {
    const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(contentDir, 'organisation.json'), 'utf8')));
    expect(organisation.supervisoryAuthorities.map((authority) => authority.country).sort()).toEqual(['BG', 'GR', 'NL', 'PL']);
    expect(organisation.timeZone).toBe('Europe/Athens');
  });

  test('organisationSchema refuses a missing authority or an unknown time zone', () => {
    const organisation = JSON.parse(readFileSync(join(contentDir, 'organisation.json'), 'utf8'));
    expect(organisationSchema.safeParse({ ...organisation, timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(organisationSchema.safeParse({ ...organisation, supervisoryAuthorities: organisation.supervisoryAuthorities.slice(1) }).success).toBe(false);
  });
});
