import { z } from 'zod';
import { answerGaps } from './answer-templates.ts';
import { maxExtensionMonths } from './deadline.ts';
import { informationReasons, verificationMethods } from './request-workflow.ts';
import type { RequestAction } from './requests.repo.ts';

/** Longest texts a DPO may type into each action's form. */
export const actionTextLimits = {
  verifyNote: 2000,
  text: 5000,
  extendReason: 2000,
  message: 20000,
  rejectReason: 5000,
  linkNote: 2000,
  openTasksReason: 2000,
  question: 3000,
} as const;

const required = (max: number) => z.string().trim().min(1).max(max);
/** Text the requester receives: required, and no "[… …]" part of a template the DPO has not written yet. */
const answer = (max: number) => required(max).refine((text) => answerGaps(text).length === 0, { message: 'gap' });

/**
 * The DPO's action forms on a request page (and their API twin): one `action` field names the form, each form's
 * fields have names of their own so that several forms share one page without clashing.
 */
export const dpoActionSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('verify'),
    method: z.enum(verificationMethods),
    verifyNote: z.string().trim().max(actionTextLimits.verifyNote).optional(),
  }),
  z.object({ action: z.literal('start') }),
  z.object({ action: z.literal('note'), text: required(actionTextLimits.text) }),
  z.object({
    action: z.literal('extend'),
    months: z.string().trim().regex(/^\d$/).transform(Number).pipe(z.number().int().min(1).max(maxExtensionMonths)),
    extendReason: answer(actionTextLimits.extendReason),
  }),
  z.object({
    action: z.literal('complete'),
    message: answer(actionTextLimits.message),
    // Why the request is answered while a system's task is still open; asked for only then (an empty field is none).
    openTasksReason: z.string().trim().max(actionTextLimits.openTasksReason).optional(),
  }),
  z.object({ action: z.literal('reject'), rejectReason: answer(actionTextLimits.rejectReason) }),
  z.object({ action: z.literal('erase'), confirm: z.literal('yes') }),
  z.object({
    action: z.literal('link'),
    // The DPO says they checked that the consent id is the requester's; nothing is linked without it.
    checked: z.literal('yes'),
    linkNote: z.string().trim().max(actionTextLimits.linkNote).optional(),
  }),
  z.object({ action: z.literal('ask'), askReason: z.enum(informationReasons), question: answer(actionTextLimits.question) }),
]);
export type DpoActionForm = z.infer<typeof dpoActionSchema>;

/** What went wrong with a field, as a key under `dpo.request.errors` (and the limit for `tooLong`). */
export interface ActionFieldProblem {
  field: string;
  problem: 'action' | 'method' | 'months' | 'reason' | 'confirm' | 'checked' | 'askReason' | 'tooLong' | 'gap';
  max?: number;
}

/** The first problem of each field of a refused action form. */
export function actionProblems(error: z.ZodError): ActionFieldProblem[] {
  const problems = new Map<string, ActionFieldProblem>();
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'action');
    if (problems.has(field)) continue;
    const problem: ActionFieldProblem =
      field === 'action'
        ? { field, problem: 'action' }
        : field === 'method'
          ? { field, problem: 'method' }
          : field === 'months' || field === 'askReason'
            ? { field, problem: field }
            : field === 'confirm'
              ? { field, problem: 'confirm' }
              : field === 'checked'
                ? { field, problem: 'checked' }
                : issue.code === 'too_big'
                  ? { field, problem: 'tooLong', max: Number(issue.maximum) }
                  : issue.code === 'custom' && issue.message === 'gap'
                    ? { field, problem: 'gap' }
                    : { field, problem: 'reason' };
    problems.set(field, problem);
  }
  return [...problems.values()];
}

/** The workflow action a valid form asks for, with what it needs (the time zone places an extension's end of day). */
export function toRequestAction(form: DpoActionForm, timeZone: string): RequestAction {
  switch (form.action) {
    case 'verify':
      return { action: 'verify', method: form.method, ...(form.verifyNote ? { note: form.verifyNote } : {}) };
    case 'start':
      return { action: 'start' };
    case 'note':
      return { action: 'note', text: form.text };
    case 'extend':
      return { action: 'extend', months: form.months, reason: form.extendReason, timeZone };
    case 'complete':
      return { action: 'complete', message: form.message, ...(form.openTasksReason ? { openTasksReason: form.openTasksReason } : {}) };
    case 'reject':
      return { action: 'reject', reason: form.rejectReason };
    case 'erase':
      return { action: 'erase' };
    case 'link':
      return { action: 'link', ...(form.linkNote ? { note: form.linkNote } : {}) };
    case 'ask':
      return { action: 'ask', reason: form.askReason, question: form.question };
  }
}
