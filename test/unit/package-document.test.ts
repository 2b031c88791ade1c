import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };
import { createTranslator, flattenKeys, formatMoment } from '../../src/lib/i18n.ts';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { article15Sections, renderPackageDocument } from '../../src/lib/package/document.ts';
import type { SubjectExportV2 } from '../../src/lib/package/subject-export-v2.ts';
import { buildCatalog, currentVersion } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';

const root = join(import.meta.dirname, '../..');
const organisation = organisationSchema.parse(organisationSource);
const messages = { el, bg, nl, pl };
const notices = currentVersion(buildCatalog(readPolicyTexts(join(root, 'content/policies')))['privacy-notice'], '2026-12-04');
const portalOrigin = 'https://privacy.ostria.example';

// The data.json of a real package (test/db/package-schema.test.ts builds one like it), checked against its schema here
// so that the fixture cannot drift from what the portal writes.
const ajv = new Ajv2020({ strict: true });
addFormats.default(ajv);
for (const file of ['request.v1.json', 'subject-export.v2.json']) ajv.addSchema(JSON.parse(readFileSync(join(root, 'public/schemas', file), 'utf8')));
const fixture: unknown = JSON.parse(readFileSync(join(root, 'test/fixtures/package-data.json'), 'utf8'));
if (!ajv.validate('/schemas/subject-export.v2.json', fixture)) throw new Error(`the fixture breaks its schema: ${ajv.errorsText()}`);
const data = fixture as SubjectExportV2;

const hostileAnswer = 'Twoje dane w załączniku. <img src=x onerror="alert(1)"> & <a href="https://evil.example">więcej</a>';

function documentIn(locale: Locale, overrides: Partial<SubjectExportV2> = {}) {
  const notice = notices?.texts[locale];
  if (!notice) throw new Error('no privacy notice in force');
  const html = renderPackageDocument({
    data: { ...data, ...overrides },
    request: { reference: 'DSR-2026-KVEG1R', type: 'access', receivedAt: Date.parse('2026-12-03T09:00:00Z'), dueOn: '2027-01-02' },
    message: hostileAnswer,
    completedAt: Date.parse('2026-12-04T09:00:00Z'),
    locale,
    t: createTranslator(locale, messages[locale]),
    organisation,
    notice,
    portalOrigin,
  });
  return { html, notice, t: createTranslator(locale, messages[locale]) };
}

/** The document's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The document's tags with their attributes; escaped text (`&lt;img …&gt;`) holds none. */
function tagsOf(html: string): { name: string; attributes: string }[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)].map((match) => ({ name: (match[1] ?? '').toLowerCase(), attributes: match[2] ?? '' }));
}

/** The first words of a Markdown section, as plain text (links and emphasis dropped). */
function firstWords(markdown: string): string {
  const plain = markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>|]/g, ' ')
    .replace(/^\s*[-\d.]+\s+/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.split(' ').slice(0, 6).join(' ');
}

const countryOf: Record<Locale, string> = { el: 'GR', bg: 'BG', nl: 'NL', pl: 'PL' };

describe.each(locales)('the readable document in %s', (locale) => {
  test('holds the Art. 15(1) information from the notice in force: purposes, categories, recipients, retention, rights, complaint', () => {
    const { html, notice } = documentIn(locale);
    const text = visibleText(html);
    expect(html).toContain(`<html lang="${locale}">`);
    for (const key of ['purposes', 'data', 'recipients', 'retention', 'rights', 'complaints'] as const) {
      expect(article15Sections).toContain(key);
      const section = notice.sections.find((entry) => entry.key === key);
      expect(section, key).toBeDefined();
      expect(html).toContain(`id="notice-${key}"`);
      expect(text).toContain(section?.heading);
      expect(text).toContain(firstWords(section?.markdown ?? ''));
    }
    expect(text).toContain(notice.title);
  });

  test('names the source of the data: the portal, and each system with where it got the data', () => {
    const { html, t } = documentIn(locale);
    const text = visibleText(html);
    expect(html).toContain('id="source"');
    expect(text).toContain(t('package.information.source'));
    expect(text).toContain(t('package.information.portalSource'));
    for (const section of data.systems) expect(text).toContain(`${section.name[locale]}: ${section.source?.[locale] ?? t('package.systems.fromYou')}`);
  });

  test('gives the supervisory authority of the person’s country and the lead one, with their contact details', () => {
    const { html } = documentIn(locale);
    const text = visibleText(html);
    const own = organisation.supervisoryAuthorities.find((authority) => authority.country === countryOf[locale]);
    const lead = organisation.supervisoryAuthorities.find((authority) => authority.lead);
    for (const authority of [own, lead]) {
      expect(authority).toBeDefined();
      if (!authority) continue;
      expect(text).toContain(authority.name);
      expect(text).toContain(authority.address);
      expect(text).toContain(authority.phone);
      expect(html).toContain(`href="tel:${authority.phone.replace(/\s/g, '')}"`);
      expect(html).toContain(`href="${authority.website}"`);
      if (authority.email) expect(html).toContain(`href="mailto:${authority.email}"`);
    }
  });

  test('shows the data as tables, and a ticket’s <script> and the answer’s HTML as the text they are', () => {
    const { html } = documentIn(locale);
    const text = visibleText(html);
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain(hostileAnswer);
    const tags = tagsOf(html);
    expect(tags.filter((tag) => ['script', 'img'].includes(tag.name))).toEqual([]);
    expect(tags.filter((tag) => /onerror|evil\.example/.test(tag.attributes))).toEqual([]);
    for (const section of data.systems) {
      for (const table of section.tables) expect(text).toContain(table.label?.[locale] ?? table.name);
    }
    expect(html.match(/<caption id="(portal|system)-/g)?.length).toBe(3 + data.systems.reduce((sum, section) => sum + section.tables.length, 0));
  });

  test('heads a system’s columns with the words the register gives in the reader’s language, the others by name', () => {
    const { html } = documentIn(locale);
    const heads = [...html.matchAll(/<thead><tr>(.*?)<\/tr><\/thead>/g)].map((match) =>
      [...(match[1] ?? '').matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((cell) => cell[1]),
    );
    const expected = {
      el: ['Αριθμός πελάτη', 'Ονοματεπώνυμο'],
      bg: ['Клиентски номер', 'Име и фамилия'],
      nl: ['Klantnummer', 'Naam'],
      pl: ['Numer klienta', 'Imię i nazwisko'],
    }[locale];
    expect(heads).toContainEqual([...expected, 'email', 'phone', 'country']);
  });

  test('loads nothing from anywhere: no script, stylesheet, image, frame or font, and a policy that forbids them', () => {
    const { html, notice } = documentIn(locale);
    const tags = tagsOf(html);
    const loading = ['script', 'link', 'img', 'picture', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source', 'track', 'base', 'svg', 'form'];
    expect(tags.filter((tag) => loading.includes(tag.name))).toEqual([]);
    expect(tags.filter((tag) => /\s(src|srcset|poster|data|action|formaction|background|style)=/i.test(tag.attributes))).toEqual([]);
    expect(html.match(/<style>([\s\S]*?)<\/style>/)?.[1]).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    // Links stay: the ones the notice and the organisation give (absolute, so they work from the unzipped file), mail,
    // phone, the package's own files and the page's own anchors.
    const given = new Set([
      ...organisation.supervisoryAuthorities.map((authority) => authority.website),
      ...notice.sections.flatMap((section) => [...section.markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]?.replace(/^\//, `${portalOrigin}/`))),
    ]);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? '');
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      if (/^https?:/.test(href)) expect(given, href).toContain(href);
      else expect(href).toMatch(/^(mailto:|tel:|files\/|#)/);
    }
  });

  test('writes the portal’s own data in the reader’s language: dates as dates, choices and statuses as words', () => {
    const { html, t } = documentIn(locale);
    const portal = html.slice(html.indexOf('id="portal"'), html.indexOf('id="systems"'));
    const text = visibleText(portal);
    const [record] = data.consentRecords;
    const [subscription] = data.marketing;
    const [request] = data.requests;
    for (const iso of [record?.recordedAt, subscription?.createdAt, request?.receivedAt]) {
      expect(text).not.toContain(iso);
      expect(text).toContain(formatMoment(Date.parse(iso ?? ''), locale));
    }
    expect(text).toContain(t(`consent.actions.${record?.action}`));
    expect(text).toContain(record?.granted.map((category) => t(`banner.categories.${category}.name`)).join(', '));
    expect(text).toContain(t(`marketing.channels.${subscription?.channel}`));
    expect(text).toContain(t(`dpo.consent.marketingStatus.${subscription?.status}`));
    expect(portal).not.toMatch(/<td>(custom|email|pending|necessary, analytics)<\/td>/);
  });

  test('says so when no system returned data, instead of an empty part', () => {
    const { html, t } = documentIn(locale, { systems: [], systemsWithoutData: [], files: [] });
    expect(visibleText(html)).toContain(t('package.systems.none'));
    expect(html).not.toContain('id="files"');
  });
});

test('the Dutch document speaks to the reader as the rest of the portal does (je, not u)', () => {
  const strings = [...flattenKeys(nl)].filter(([key]) => key.startsWith('package.')).map(([, value]) => String(value));
  expect(strings.filter((text) => /\b(u|uw)\b/i.test(text))).toEqual([]);
  expect(flattenKeys(nl).get('requests.form.customerReferenceHelp')).toMatch(/\bje\b/);
});
