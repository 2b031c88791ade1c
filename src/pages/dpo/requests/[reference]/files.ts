import type { APIRoute } from 'astro';
import { isReference } from '../../../../lib/requests.ts';
import { readFormPost } from '../../../../lib/uploads.ts';
import { signedInDpo, unauthorized } from '../../../../server/dpo-auth.ts';
import { changeFilesAsDpo } from '../../../../server/dpo-downloads.ts';

/**
 * The DPO attaches files to the answer, or removes one, before the request is completed (a multipart form post,
 * JavaScript or not). Back to the files, with what happened or what was wrong next to the field.
 */
export const POST: APIRoute = async ({ params, request, cookies, redirect, rewrite }) => {
  const dpo = await signedInDpo(cookies);
  if (!dpo) return unauthorized();
  const reference = params.reference ?? '';
  if (!isReference(reference)) return rewrite('/404');
  const back = (query: string) => redirect(`/dpo/requests/${reference}?${query}#files`, 303);
  // Larger than a post may be (or not a form at all): said as too large, next to the field.
  const form = await readFormPost(request);
  if (!form) return back('filesProblem=tooLarge');
  const changed = await changeFilesAsDpo(reference, form, dpo);
  if (!changed.ok && changed.problem === 'notFound' && form.get('action') !== 'remove') return rewrite('/404');
  return back(changed.ok ? `filesDone=${changed.done}` : `filesProblem=${changed.problem}`);
};
