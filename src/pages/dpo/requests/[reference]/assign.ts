import type { APIRoute } from 'astro';
import { z } from 'zod';
import { assignRequest } from '../../../../lib/assignment.repo.ts';
import { isReference } from '../../../../lib/requests.ts';
import { signedInDpo, unauthorized } from '../../../../server/dpo-auth.ts';
import { readFormFields } from '../../../../server/http.ts';
import { getPortal } from '../../../../server/portal.ts';

/** `nobody`, or an account id. */
const assignForm = z.object({ assignee: z.union([z.literal('nobody'), z.coerce.number().int().positive()]) });

/**
 * The DPO assigns a request to a DPO account (themselves or a colleague) or to nobody: a form post, JavaScript or
 * not; an `assigned` event in the trail; back to the request, saying what happened.
 */
export const POST: APIRoute = async ({ params, request, cookies, redirect, rewrite }) => {
  const dpo = await signedInDpo(cookies);
  if (!dpo) return unauthorized();
  const reference = params.reference ?? '';
  if (!isReference(reference)) return rewrite('/404');
  const back = (query: string) => redirect(`/dpo/requests/${reference}?${query}#assignment`, 303);
  const parsed = assignForm.safeParse(Object.fromEntries(await readFormFields(request, 4 * 1024)));
  if (!parsed.success) return back('assignProblem=account');
  const { store, clock } = getPortal();
  const assignee = parsed.data.assignee === 'nobody' ? null : parsed.data.assignee;
  const outcome = await assignRequest(store, reference, assignee, `dpo:${dpo.user.email}`, clock());
  if (!outcome.ok && outcome.problem === 'notFound') return rewrite('/404');
  if (!outcome.ok) return back('assignProblem=account');
  return back(outcome.changed ? 'assigned=1' : 'assigned=0');
};
