import { z } from 'zod';
import { cleanText, hasVisibleCharacter } from './requests.ts';
import { requesterUploadKinds, type UploadKind } from './uploads.ts';

/** What the requester may send with an answer to the DPO's question: one file of these kinds, and the post around it. */
export const answerLimits = { text: 5000, fileBytes: 10 * 1024 * 1024, postBytes: 10 * 1024 * 1024 + 64 * 1024 } as const;
export const answerFileKinds: { kinds: readonly UploadKind[]; maxBytes: number } = { kinds: requesterUploadKinds, maxBytes: answerLimits.fileBytes };

/** The answer form on the status page: the requester's text (required, kept as typed minus control characters). */
export const informationAnswerSchema = z.object({
  answer: z
    .string()
    .transform((value) => cleanText(value, false))
    .pipe(z.string().max(answerLimits.text).refine(hasVisibleCharacter, 'required')),
});

/** What went wrong with the answer form, as keys under `requests.answer.errors`. */
export type AnswerProblem = 'required' | 'tooLong' | 'fileTooLarge' | 'fileType' | 'fileEmpty' | 'tooMany';
