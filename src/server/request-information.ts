import type { RequestRow } from '../../db/rows.ts';
import { answerNoticeEmail, answerNoticeRecipients } from '../lib/answer-notice.ts';
import { allDpoUsers } from '../lib/dpo.repo.ts';
import { provideInformation } from '../lib/information-answer.repo.ts';
import { isLocale } from '../lib/locale.ts';
import { log } from '../lib/log.ts';
import { answerFileKinds, answerLimits, informationAnswerSchema, type AnswerProblem } from '../lib/information-answer.ts';
import { findRequestForRequester } from '../lib/requests.repo.ts';
import { isReference } from '../lib/requests.ts';
import { checkUpload, filesOf, readFormPost, type CheckedUpload } from '../lib/uploads.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';
import { errorKind } from './requests.ts';

export type AnswerResult =
  | { ok: true }
  | { ok: false; status: 404 }
  | { ok: false; status: 400 | 409 | 413; problems: { answer?: AnswerProblem; file?: AnswerProblem }; typed: string };

/**
 * The requester answers the DPO's question from their status page (a multipart form: `answer`, and an optional `file`
 * of at most 10 MB, PDF, JPEG or PNG by its content). 404 for a reference or token that is not the request's; 413
 * when the post is larger than the limit; 409 when no question waits for an answer any more.
 */
export async function answerQuestion(reference: string, token: string | null, post: Request): Promise<AnswerResult> {
  if (!isReference(reference)) return { ok: false, status: 404 };
  const { store, organisation, clock } = getPortal();
  const request = await store.read((db) => findRequestForRequester(db, reference, token));
  if (!request) return { ok: false, status: 404 };
  const form = await readFormPost(post, answerLimits.postBytes);
  if (!form) return { ok: false, status: 413, problems: { file: 'fileTooLarge' }, typed: '' };
  const typed = String(form.get('answer') ?? '');
  const problems: { answer?: AnswerProblem; file?: AnswerProblem } = {};
  const parsed = informationAnswerSchema.safeParse({ answer: typed });
  if (!parsed.success) problems.answer = parsed.error.issues.some((issue) => issue.code === 'too_big') ? 'tooLong' : 'required';
  const files = await filesOf(form, 'file');
  let file: CheckedUpload | undefined;
  if (files.length > 1) problems.file = 'tooMany';
  else if (files[0]) {
    const checked = checkUpload(files[0].name, files[0].content, answerFileKinds);
    if (checked.ok) file = checked.file;
    else problems.file = checked.problem === 'tooLarge' ? 'fileTooLarge' : checked.problem === 'empty' ? 'fileEmpty' : 'fileType';
  }
  if (!parsed.success || problems.file) return { ok: false, status: problems.file === 'fileTooLarge' ? 413 : 400, problems, typed };
  const outcome = await provideInformation(store, request.id, { text: parsed.data.answer, file }, clock(), organisation.timeZone);
  if (!outcome.ok) return { ok: false, status: 409, problems: {}, typed };
  await tellDpos(outcome.request);
  return { ok: true };
}

/**
 * Mails the request's DPO (or every DPO, when nobody has it) that the answer arrived, each in their language. The
 * answer is stored whatever happens here: a mail that fails is logged (without the address) and the answer still
 * shows on the request page and in the inbox.
 */
async function tellDpos(request: RequestRow): Promise<void> {
  const { store, mailer, translators, organisation } = getPortal();
  const recipients = answerNoticeRecipients(await store.read((db) => allDpoUsers(db)), request.assignedTo);
  for (const account of recipients) {
    const locale = isLocale(account.locale) ? account.locale : organisation.defaultLocale;
    try {
      await mailer.send(
        answerNoticeEmail({
          t: translators.translatorFor(locale),
          locale,
          to: account.email,
          request,
          origin: portalOrigin(),
          organisation: organisation.legalName,
        }),
      );
    } catch (error) {
      log.error('A DPO could not be told of an answer.', { reference: request.reference, account: account.id, error: errorKind(error) });
    }
  }
}
