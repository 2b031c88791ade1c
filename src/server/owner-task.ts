import { z } from 'zod';
import type { TaskAction } from '../lib/systems/tasks.ts';
import type { OwnerAnswer } from '../lib/systems/owner-task.repo.ts';
import { checkUpload, filesOf, type CheckedUpload, type UploadProblem } from '../lib/uploads.ts';

// What the owner posted on their task page, checked: which answer (files, nothing held, done), the note, the files
// by content and size (src/lib/uploads.ts). Problems are keys of `ownerTask.problems`, shown beside their field.

export const ownerNoteLimit = 2000;

/** The answers each action allows: a collect task is answered with files or "nothing held", the others confirmed. */
export const answersOf = (action: TaskAction): readonly OwnerAnswer['kind'][] => (action === 'collect' ? ['files', 'nothing'] : ['confirmed']);

const answerKinds = z.enum(['files', 'nothing', 'confirmed']);
const posted = z.object({ answer: answerKinds, note: z.string().default('') });

export interface OwnerFormProblems {
  /** The form itself: an answer this task does not take, a field missing. */
  form?: 'form';
  note?: 'noteRequired' | 'noteTooLong';
  /** Per file (by its name as sent), or that none was chosen. */
  files?: { problem: UploadProblem | 'missingFiles'; name: string }[];
}

export type OwnerFormReading =
  | { ok: true; answer: OwnerAnswer }
  | { ok: false; answer: OwnerAnswer['kind'] | undefined; note: string; problems: OwnerFormProblems };

export async function readOwnerAnswer(form: FormData, action: TaskAction): Promise<OwnerFormReading> {
  const note = form.get('note');
  const parsed = posted.safeParse({ answer: form.get('answer') ?? undefined, note: typeof note === 'string' ? note : undefined });
  if (!parsed.success)
    return { ok: false, answer: undefined, note: typeof note === 'string' ? note.slice(0, ownerNoteLimit * 2) : '', problems: { form: 'form' } };
  const { answer } = parsed.data;
  const text = parsed.data.note.trim();
  if (!answersOf(action).includes(answer)) return { ok: false, answer: undefined, note: text.slice(0, ownerNoteLimit * 2), problems: { form: 'form' } };
  const problems: OwnerFormProblems = {};
  if (text.length > ownerNoteLimit) problems.note = 'noteTooLong';
  else if (!text && answer !== 'files') problems.note = 'noteRequired';
  const files: CheckedUpload[] = [];
  if (answer === 'files') {
    const sent = await filesOf(form, 'files');
    const refused: NonNullable<OwnerFormProblems['files']> = sent.length ? [] : [{ problem: 'missingFiles', name: '' }];
    for (const file of sent) {
      const checked = checkUpload(file.name, file.content);
      if (checked.ok) files.push(checked.file);
      else refused.push({ problem: checked.problem, name: file.name.slice(0, 120) });
    }
    if (refused.length) problems.files = refused;
  }
  if (problems.note || problems.files) return { ok: false, answer, note: text.slice(0, ownerNoteLimit * 2), problems };
  if (answer === 'files') return { ok: true, answer: { kind: 'files', files, note: text } };
  return { ok: true, answer: answer === 'nothing' ? { kind: 'nothing', note: text } : { kind: 'confirmed', note: text } };
}
