import type { APIRoute } from 'astro';
import { z } from 'zod';
import { isReference } from '../../../../lib/requests.ts';
import { signedInDpo, unauthorized } from '../../../../server/dpo-auth.ts';
import { renewDownloadsAsDpo } from '../../../../server/dpo-downloads.ts';
import { portalOrigin } from '../../../../server/environment.ts';
import { readFormFields } from '../../../../server/http.ts';

const renewalForm = z.object({ action: z.literal('renew') });

/**
 * The DPO renews the requester's download for 7 days (a form post, JavaScript or not): the new signed link is mailed
 * to the requester; back to the request page, saying what happened.
 */
export const POST: APIRoute = async ({ params, request, cookies, redirect, rewrite }) => {
  const dpo = await signedInDpo(cookies);
  if (!dpo) return unauthorized();
  const reference = params.reference ?? '';
  if (!isReference(reference)) return rewrite('/404');
  const back = (query: string) => redirect(`/dpo/requests/${reference}?${query}#downloads`, 303);
  if (!renewalForm.safeParse(Object.fromEntries(await readFormFields(request, 4 * 1024))).success) return back('exportProblem=nothingToRenew');
  const renewed = await renewDownloadsAsDpo(reference, dpo, portalOrigin());
  if (!renewed.ok && renewed.problem === 'notFound') return rewrite('/404');
  if (!renewed.ok) return back(`exportProblem=${renewed.problem}`);
  return back(`exportDone=renewed${renewed.emailed ? '' : '&emailFailed=1'}`);
};
