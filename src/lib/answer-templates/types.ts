import type { RequestType } from '../request-types.ts';

/** What the DPO answers a request with: the outcomes a template exists for. */
export const answerOutcomes = ['completed', 'extended', 'rejected', 'information-needed'] as const;
export type AnswerOutcome = (typeof answerOutcomes)[number];

/** One language's templates: a text per request type and outcome, with `{{placeholders}}` and `[… gaps]`. */
export type AnswerTemplates = Record<RequestType, Record<AnswerOutcome, string>>;

/** The GDPR article of each right (Art. 15–18, 20, 21). */
export const rightArticles: Record<RequestType, number> = {
  access: 15,
  rectification: 16,
  erasure: 17,
  portability: 20,
  restriction: 18,
  objection: 21,
};
