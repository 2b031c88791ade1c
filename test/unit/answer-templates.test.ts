import { describe, expect, test } from 'vitest';
import {
  answerDraft,
  answerGaps,
  answerOutcomes,
  answerPlaceholders,
  answerTemplate,
  answerTemplates,
  letterDate,
  rightArticles,
} from '../../src/lib/answer-templates.ts';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { requestTypes, type RequestType } from '../../src/lib/request-types.ts';

const facts = { reference: 'DSR-2026-7KQ4M2', organisation: 'Ostria Mail & Hosting S.A.', receivedOn: '2027-01-01', dueOn: '2027-02-01' };
const every = locales.flatMap((locale) => requestTypes.flatMap((type) => answerOutcomes.map((outcome) => [locale, type, outcome] as const)));

/** How each language cites an article of the GDPR: "άρθρο 15 ΓΚΠΔ", "чл. 15 от ОРЗД", "artikel 15 AVG", "art. 15 RODO". */
const citation: Record<Locale, (article: number) => RegExp> = {
  el: (article) => new RegExp(`άρθρ(ο|ου) ${article}( παρ\\. \\d+)? ΓΚΠΔ`, 'u'),
  bg: (article) => new RegExp(`чл\\. ${article}(, параграф \\d+)? от ОРЗД`, 'u'),
  nl: (article) => new RegExp(`artikel ${article}(, lid \\d+,)? AVG`, 'u'),
  pl: (article) => new RegExp(`art\\. ${article}( ust\\. \\d+)? RODO`, 'u'),
};
const anyArticle: Record<Locale, RegExp> = {
  el: /άρθρ(?:ο|ου) (\d+)/gu,
  bg: /чл\. (\d+)/gu,
  nl: /artikel (\d+)/gu,
  pl: /art\. (\d+)/gu,
};

/** Letters outside a language's script: Greek in Greek, Cyrillic in Bulgarian, Latin in Dutch and Polish ("JSON" aside). */
function foreignLetters(text: string, locale: Locale): string[] {
  const letters = text.replaceAll('JSON', '').match(/\p{L}/gu) ?? [];
  const script = locale === 'el' ? /\p{Script=Greek}/u : locale === 'bg' ? /\p{Script=Cyrillic}/u : /\p{Script=Latin}/u;
  return letters.filter((letter) => !script.test(letter));
}

describe('the answer templates a DPO starts from', () => {
  test('exist for every request type, outcome and language: 6 × 4 × 4', () => {
    expect(every).toHaveLength(96);
    for (const locale of locales) {
      expect(Object.keys(answerTemplates[locale]).sort()).toEqual([...requestTypes].sort());
      for (const type of requestTypes) expect(Object.keys(answerTemplates[locale][type]).sort()).toEqual([...answerOutcomes].sort());
    }
  });

  test.each(every)('%s %s %s: filled in, in its own script, citing the right article, with gaps for the DPO', (locale, type, outcome) => {
    const raw = answerTemplates[locale][type][outcome];
    const names = [...raw.matchAll(/\{\{(\w+)\}\}/gu)].map((match) => match[1]);
    expect(names.filter((name) => !(answerPlaceholders as readonly string[]).includes(name ?? ''))).toEqual([]);

    const text = answerTemplate(type, outcome, locale, facts);
    expect(text.trim().length).toBeGreaterThan(80);
    expect(text).not.toMatch(/\{\{|\}\}/u);
    expect(foreignLetters(text, locale)).toEqual([]);
    if (locale === 'pl') expect(text).toMatch(/[ąćęłńóśźż]/u);
    if (locale === 'nl') expect(text).not.toMatch(/[ąćęłńśźż]/u);

    // The right's own article, and no other right's: an access answer does not cite Art. 17.
    expect(text).toMatch(citation[locale](rightArticles[type]));
    const cited = [...text.matchAll(anyArticle[locale])].map((match) => Number(match[1]));
    const otherRights = Object.values(rightArticles).filter((article) => article !== rightArticles[type]);
    expect(cited.filter((article) => otherRights.includes(article))).toEqual([]);
    if (outcome === 'extended') {
      expect(text).toMatch(citation[locale](12));
      expect(text).toContain(letterDate(facts.dueOn, locale));
    }
    if (outcome === 'information-needed') expect(text).toMatch(citation[locale](12));
    if (outcome !== 'extended') expect(text).toContain(letterDate(facts.receivedOn, locale));

    // What the DPO must write is marked, and nothing else looks like a gap.
    const gaps = answerGaps(text);
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.reduce((rest, gap) => rest.replace(gap, ''), text)).not.toMatch(/[[\]]/u);
    // The mail already names the reference, signs, and tells a rejected requester where to complain.
    expect(text).not.toContain(facts.reference);
    expect(text).not.toMatch(/καταγγελ|εποπτικ|жалб|надзорн|klacht|toezichthoud|skarg|organ nadzorczy/iu);
  });

  test('a gap is "[… what to write]"; a bare "[…]" quoting an omission is not one', () => {
    expect(answerGaps('Powód: [… powód] i [… drugi]. Cytat: „[…]”.')).toEqual(['[… powód]', '[… drugi]']);
    expect(answerGaps('Zrobione.')).toEqual([]);
  });

  test.each([
    ['el', '2027-01-01', '1η Ιανουαρίου 2027'],
    ['el', '2027-01-15', '15 Ιανουαρίου 2027'],
    ['el', '2026-12-11', '11 Δεκεμβρίου 2026'],
    ['bg', '2027-01-01', '1 януари 2027 г.'],
    ['nl', '2027-01-01', '1 januari 2027'],
    ['pl', '2027-01-01', '1 stycznia 2027 r.'],
    ['pl', '2026-12-31', '31 grudnia 2026 r.'],
  ] as const)('in %s, %s is written "%s"', (locale, date, written) => {
    expect(letterDate(date, locale)).toBe(written);
  });

  test('a date that ends a sentence has one full stop', () => {
    const texts = locales.flatMap((locale) =>
      requestTypes.flatMap((type: RequestType) => answerOutcomes.map((outcome) => answerTemplate(type, outcome, locale, facts))),
    );
    for (const text of texts) expect(text).not.toMatch(/\s[гr]\.\./u);
  });
});

describe('the draft on the DPO request page', () => {
  test('is in the request language, with a reading in the DPO language beside it', () => {
    const draft = answerDraft('erasure', 'rejected', 'pl', 'el', facts);
    expect(draft?.locale).toBe('pl');
    expect(draft?.text).toBe(answerTemplate('erasure', 'rejected', 'pl', facts));
    expect(draft?.reading).toEqual({ locale: 'el', text: answerTemplate('erasure', 'rejected', 'el', facts) });
  });

  test('has no reading when the DPO reads the request language, and no template for a language the portal lacks', () => {
    expect(answerDraft('access', 'completed', 'nl', 'nl', facts)).toEqual({ locale: 'nl', text: answerTemplate('access', 'completed', 'nl', facts) });
    expect(answerDraft('access', 'completed', 'de', 'nl', facts)).toBeUndefined();
  });

  test.each(locales)('%s: an objection to direct marketing is answered as one (Art. 21(3), every channel), with a gap and no other right', (locale) => {
    const text = answerTemplate('objection', 'completed', locale, { ...facts, directMarketing: true });
    expect(text).not.toBe(answerTemplate('objection', 'completed', locale, facts));
    expect(text).toMatch(citation[locale](21));
    expect(text).toContain(letterDate(facts.receivedOn, locale));
    expect(answerGaps(text).length).toBeGreaterThan(0);
    expect(foreignLetters(text, locale)).toEqual([]);
    expect([...text.matchAll(anyArticle[locale])].map((match) => Number(match[1])).filter((article) => article !== 21)).toEqual([]);
    // Other outcomes of such an objection are the objection's own.
    expect(answerTemplate('objection', 'rejected', locale, { ...facts, directMarketing: true })).toBe(answerTemplate('objection', 'rejected', locale, facts));
  });
});
