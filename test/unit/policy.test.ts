import { describe, expect, test } from 'vitest';
import { hashText, parseEntryId, parseSections, policyFrontmatterSchema, toPolicyText } from '../../src/lib/policy.ts';

const valid = { title: 'Polityka prywatności', version: 2, effective: '2026-10-01', summary: 'Nowy cel.' };

describe('policyFrontmatterSchema', () => {
  test('accepts a complete frontmatter, with the date as YAML gives it (a Date) or as text', () => {
    expect(policyFrontmatterSchema.parse(valid).effective).toBe('2026-10-01');
    expect(policyFrontmatterSchema.parse({ ...valid, effective: new Date('2026-10-01T00:00:00Z') }).effective).toBe('2026-10-01');
  });

  test.each([
    ['a missing title', { ...valid, title: undefined }],
    ['an empty summary', { ...valid, summary: '  ' }],
    ['a version as text', { ...valid, version: '2' }],
    ['version 0', { ...valid, version: 0 }],
    ['a fractional version', { ...valid, version: 1.5 }],
    ['a date that does not exist', { ...valid, effective: '2026-02-30' }],
    ['a date in another format', { ...valid, effective: '01.10.2026' }],
    ['an unknown field', { ...valid, author: 'x' }],
  ])('rejects %s', (_label, data) => {
    expect(policyFrontmatterSchema.safeParse(data).success).toBe(false);
  });
});

describe('parseSections()', () => {
  test('splits the intro and the sections by their stable keys', () => {
    const parsed = parseSections('Intro text.\r\n\r\n## Kim jesteśmy {#controller}\r\nA.\n\n### Sub\nB.\n\n## Okres {#retention}\nC.');
    expect(parsed.intro).toBe('Intro text.');
    expect(parsed.sections).toEqual([
      { key: 'controller', heading: 'Kim jesteśmy', markdown: 'A.\n\n### Sub\nB.' },
      { key: 'retention', heading: 'Okres', markdown: 'C.' },
    ]);
  });

  test('refuses a section heading without an anchor, a repeated anchor, or no section at all', () => {
    expect(() => parseSections('## Kim jesteśmy\nA.')).toThrow(/anchor/);
    expect(() => parseSections('## A {#a}\n\n## B {#a}')).toThrow(/twice/);
    expect(() => parseSections('Just text.')).toThrow(/at least one/);
  });
});

describe('parseEntryId()', () => {
  test('reads document, version and locale from the file place', () => {
    expect(parseEntryId('privacy-notice/2/pl')).toEqual({ document: 'privacy-notice', version: 2, locale: 'pl' });
  });

  test.each(['privacy-notice/2', 'privacy-notice/02/pl', 'privacy-notice/2/en', 'terms/1/pl', '../x/1/pl', 'privacy-notice/1/pl/x'])('refuses %s', (id) => {
    expect(() => parseEntryId(id)).toThrow();
  });
});

describe('toPolicyText()', () => {
  test('refuses a frontmatter version that differs from its folder', () => {
    expect(() => toPolicyText('privacy-notice/1/pl', policyFrontmatterSchema.parse(valid), '## A {#a}\nx')).toThrow(/version 2/);
  });

  test('hashes the text independently of line endings and surrounding blank lines', () => {
    expect(hashText('## A {#a}\r\nx\r\n')).toBe(hashText('\n## A {#a}\nx'));
    expect(hashText('## A {#a}\nx')).not.toBe(hashText('## A {#a}\ny'));
  });
});
