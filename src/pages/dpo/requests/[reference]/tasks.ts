import type { APIRoute } from 'astro';
import { z } from 'zod';
import { isReference } from '../../../../lib/requests.ts';
import { markTaskNotApplicable, retryTask, tasksOf } from '../../../../lib/systems/tasks.repo.ts';
import { findRequest } from '../../../../lib/requests.repo.ts';
import { signedInDpo, unauthorized } from '../../../../server/dpo-auth.ts';
import { readFormFields } from '../../../../server/http.ts';
import { getPortal } from '../../../../server/portal.ts';
import { wakeTaskRunner } from '../../../../server/task-runner-wake.ts';

const taskForm = z.discriminatedUnion('action', [
  z.object({ action: z.literal('retry'), task: z.coerce.number().int().positive() }),
  z.object({ action: z.literal('not-applicable'), task: z.coerce.number().int().positive(), reason: z.string().max(2000) }),
]);

/**
 * The DPO's steps on one task of a request (a form post, JavaScript or not): try a failed task again, or mark an open
 * one not applicable with the reason. Each is an event in the request's trail; back to the tasks, saying what happened.
 */
export const POST: APIRoute = async ({ params, request, cookies, redirect, rewrite }) => {
  const dpo = await signedInDpo(cookies);
  if (!dpo) return unauthorized();
  const reference = params.reference ?? '';
  if (!isReference(reference)) return rewrite('/404');
  const back = (query: string) => redirect(`/dpo/requests/${reference}?${query}#tasks`, 303);
  const parsed = taskForm.safeParse(Object.fromEntries(await readFormFields(request, 16 * 1024)));
  if (!parsed.success) return back('taskProblem=status');
  const { store, clock } = getPortal();
  const owned = await store.read(async (db) => {
    const found = await findRequest(db, reference);
    return found ? (await tasksOf(db, found.id)).some((task) => task.id === parsed.data.task) : false;
  });
  if (!owned) return rewrite('/404');
  const actor = `dpo:${dpo.user.email}`;
  const form = parsed.data;
  if (form.action === 'retry') {
    const retried = await retryTask(store, form.task, actor, clock());
    if (!retried) return back(`taskProblem=status&task=${form.task}`);
    wakeTaskRunner();
    return back('taskDone=retried');
  }
  const reason = form.reason.trim();
  if (!reason) return back(`taskProblem=reason&task=${form.task}`);
  const marked = await markTaskNotApplicable(store, form.task, reason, actor, clock());
  return marked ? back('taskDone=notApplicable') : back(`taskProblem=status&task=${form.task}`);
};
