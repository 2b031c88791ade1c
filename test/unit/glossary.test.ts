import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { answerTemplates } from '../../src/lib/answer-templates.ts';
import { forbiddenVariantsIn, glossary, glossaryForm } from '../../src/lib/glossary.ts';
import { flattenKeys } from '../../src/lib/i18n.ts';
import { locales } from '../../src/lib/locale.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };

const messages = { el, bg, nl, pl };
const texts = readPolicyTexts(join(import.meta.dirname, '../../content/policies'));

describe('forbiddenVariantsIn()', () => {
  test('matches whole words in any letter case, and Greek with or without accents', () => {
    expect(forbiddenVariantsIn('Verzoek om VERWIJDERING', 'nl')).toEqual([{ concept: 'erasure', variant: 'verwijdering*' }]);
    expect(forbiddenVariantsIn('De verwijderingen zijn klaar', 'nl')).toEqual([{ concept: 'erasure', variant: 'verwijdering*' }]);
    // The verb is fine: only the noun names the right.
    expect(forbiddenVariantsIn('We hebben je gegevens verwijderd.', 'nl')).toEqual([]);
    expect(forbiddenVariantsIn('ΜΙΑ ΑΝΤΙΡΡΗΣΗ ΣΑΣ', 'el')).toEqual([{ concept: 'objection', variant: 'αντιρρήσ*' }]);
    expect(forbiddenVariantsIn('η αντίρρησή σας', 'el')).toEqual([{ concept: 'objection', variant: 'αντιρρήσ*' }]);
    expect(forbiddenVariantsIn('Η Υπεύθυνη Προστασίας Δεδομένων', 'el')).toEqual([{ concept: 'dpo', variant: 'υπεύθυνη προστασίας δεδομένων' }]);
    expect(forbiddenVariantsIn('ο/η Υπεύθυνος/-η Προστασίας Δεδομένων', 'el')).toEqual([]);
    expect(forbiddenVariantsIn('Nie można zakończyć wniosku.', 'pl')).toEqual([{ concept: 'request', variant: 'wniosku' }]);
    expect(forbiddenVariantsIn('Dane wnioskodawcy', 'pl')).toEqual([]);
  });

  test('normalises Greek accents and final sigma', () => {
    expect(glossaryForm('Εναντίωσης')).toBe('εναντιωσησ');
  });
});

describe('the glossary', () => {
  test.each(locales)('every %s UI string and mail text uses the glossary’s term, never a forbidden variant', (locale) => {
    const found = [...flattenKeys(messages[locale])].flatMap(([key, value]) =>
      typeof value === 'string' ? forbiddenVariantsIn(value, locale).map(({ variant }) => `${key}: "${variant}" in "${value}"`) : [],
    );
    expect(found).toEqual([]);
  });

  test.each(locales)('every %s answer template (each type and outcome) uses no forbidden variant', (locale) => {
    const found = Object.entries(answerTemplates[locale]).flatMap(([type, outcomes]) =>
      Object.entries(outcomes).flatMap(([outcome, text]) => forbiddenVariantsIn(text, locale).map(({ variant }) => `${type}/${outcome}: "${variant}"`)),
    );
    expect(found).toEqual([]);
  });

  test.each(locales)('every %s notice, in every version, uses no forbidden variant', (locale) => {
    const found = texts
      .filter((text) => text.locale === locale)
      .flatMap((text) =>
        [text.title, text.summary, text.intro, ...text.sections.flatMap((section) => [section.heading, section.markdown])].flatMap((part) =>
          forbiddenVariantsIn(part, locale, 'notice').map(({ variant }) => `${text.document} v${text.version}: "${variant}"`),
        ),
      );
    expect(found).toEqual([]);
  });

  test.each(locales)('in %s the privacy notice has one name: its title, the UI’s and the glossary’s', (locale) => {
    const titles = new Set(texts.filter((text) => text.document === 'privacy-notice' && text.locale === locale).map((text) => text.title));
    expect([...titles]).toEqual([messages[locale].documents['privacy-notice']]);
    expect(glossaryForm(messages[locale].documents['privacy-notice'])).toBe(glossaryForm(glossary[locale].privacyNotice.term));
  });

  test('the Dutch notice and UI say "rectificatie" and "wissing" for the rights of Art. 16 and 17', () => {
    const rights = texts
      .filter((text) => text.document === 'privacy-notice' && text.locale === 'nl')
      .at(-1)
      ?.sections.find((section) => section.key === 'rights');
    expect(rights?.markdown).toMatch(/\*\*Rectificatie \(artikel 16 AVG\)/);
    expect(rights?.markdown).toMatch(/\*\*Wissing \(artikel 17 AVG\)/);
    expect(nl.requests.types.rectification.name).toBe('Rectificatie');
    expect(nl.requests.types.erasure.name).toBe('Wissing');
  });
});
