import type { APIRoute } from 'astro';
import { isReference } from '../../../../lib/requests.ts';
import { isFormContentType } from '../../../../lib/form-actions.ts';
import { readFormPost } from '../../../../lib/uploads.ts';
import { signedInDpo, unauthorized } from '../../../../server/dpo-auth.ts';
import { changeFilesAsDpo } from '../../../../server/dpo-downloads.ts';
import { jsonError } from '../../../../server/http.ts';

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
  if (!isFormContentType(request.headers.get('content-type'))) return jsonError(415, 'not_a_form', 'Post the files as multipart/form-data.');
  // Larger than a post may be: said next to the field.
  const form = await readFormPost(request);
  if (!form) return back('filesProblem=tooLarge');
  const changed = await changeFilesAsDpo(reference, form, dpo);
  if (!changed.ok && changed.problem === 'notFound' && form.get('action') !== 'remove') return rewrite('/404');
  return back(changed.ok ? `filesDone=${changed.done}` : `filesProblem=${changed.problem}`);
};
