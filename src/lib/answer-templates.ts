import { bg, bgDirectMarketing } from './answer-templates/bg.ts';
import { el, elDirectMarketing } from './answer-templates/el.ts';
import { nl, nlDirectMarketing } from './answer-templates/nl.ts';
import { pl, plDirectMarketing } from './answer-templates/pl.ts';
import type { AnswerOutcome, AnswerTemplates } from './answer-templates/types.ts';
import { formatDateInText } from './i18n.ts';
import { isLocale, type Locale } from './locale.ts';
import type { RequestType } from './request-types.ts';

export { type AnswerOutcome, answerOutcomes, rightArticles } from './answer-templates/types.ts';

/**
 * The texts a DPO starts an answer from, per language. Each fills only the DPO's part of its mail: the mail already
 * greets, names the reference (and, for an extension, the new date), introduces the answer or the reason, tells a
 * rejected requester where to complain and signs (src/lib/request-email.ts).
 */
export const answerTemplates: Record<Locale, AnswerTemplates> = { el, bg, nl, pl };
/** The completed objection to direct marketing, in place of the objection's own completed template. */
export const directMarketingTemplates: Record<Locale, string> = { el: elDirectMarketing, bg: bgDirectMarketing, nl: nlDirectMarketing, pl: plDirectMarketing };

/** What the portal knows and a template may name: `{{reference}}`, `{{organisation}}`, `{{receivedOn}}`, `{{dueOn}}`. */
export interface AnswerFacts {
  reference: string;
  organisation: string;
  /** The day the request was received, YYYY-MM-DD. */
  receivedOn: string;
  /** The deadline in force, YYYY-MM-DD. */
  dueOn: string;
  /** An objection to direct marketing: its answer says the processing stopped and every marketing consent went. */
  directMarketing?: boolean;
}
export const answerPlaceholders = ['reference', 'organisation', 'receivedOn', 'dueOn'] as const satisfies readonly (keyof AnswerFacts)[];

/** The outcome each answering action of the DPO's request page starts from. */
export const outcomeOfAction = { complete: 'completed', extend: 'extended', reject: 'rejected' } as const satisfies Record<string, AnswerOutcome>;

/** A date as a letter writes it (see formatDateInText): "1η Ιανουαρίου 2027", "1 stycznia 2027 r.". */
export const letterDate = formatDateInText;

/**
 * A part the DPO must write before the text is sent: "[… what to write]". A bare "[…]" (an omission in a quotation)
 * is not one.
 */
const gapPattern = /\[…[^\]]+\]/gu;

/** The gaps a text still has, as written in it. */
export function answerGaps(text: string): string[] {
  return text.match(gapPattern) ?? [];
}

/**
 * The template for a request type and outcome in a language, with what the portal knows filled in (dates as the
 * language writes them) and the DPO's gaps left as "[… …]".
 */
export function answerTemplate(type: RequestType, outcome: AnswerOutcome, locale: Locale, facts: AnswerFacts): string {
  const values: Record<(typeof answerPlaceholders)[number], string> = {
    reference: facts.reference,
    organisation: facts.organisation,
    receivedOn: letterDate(facts.receivedOn, locale),
    dueOn: letterDate(facts.dueOn, locale),
  };
  const template =
    type === 'objection' && outcome === 'completed' && facts.directMarketing ? directMarketingTemplates[locale] : answerTemplates[locale][type][outcome];
  return template.replace(/\{\{(\w+)\}\}/gu, (placeholder, name: string) => (Object.hasOwn(values, name) ? values[name as keyof typeof values] : placeholder));
}

/** An answer's starting point: the template in the request's language, and the same template in the DPO's to read. */
export interface AnswerDraft {
  locale: Locale;
  text: string;
  /** The reading in the DPO's language; none when the DPO reads the request's language already. */
  reading?: { locale: Locale; text: string };
}

/** The draft of an answer to a request in `requestLocale` for a DPO reading `dpoLocale`; none for a language without templates. */
export function answerDraft(type: RequestType, outcome: AnswerOutcome, requestLocale: string, dpoLocale: Locale, facts: AnswerFacts): AnswerDraft | undefined {
  if (!isLocale(requestLocale)) return undefined;
  const text = answerTemplate(type, outcome, requestLocale, facts);
  if (requestLocale === dpoLocale) return { locale: requestLocale, text };
  return { locale: requestLocale, text, reading: { locale: dpoLocale, text: answerTemplate(type, outcome, dpoLocale, facts) } };
}
