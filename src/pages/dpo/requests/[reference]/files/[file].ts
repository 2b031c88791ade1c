import type { APIRoute } from 'astro';
import { signedInDpo, unauthorized } from '../../../../../server/dpo-auth.ts';
import { fileResponse, requestFileForDpo } from '../../../../../server/request-downloads.ts';

/** Any file of a request (an owner's upload, a webhook's answer, the DPO's attachment), for the signed-in DPO. */
export const GET: APIRoute = async ({ params, cookies, rewrite }) => {
  if (!(await signedInDpo(cookies))) return unauthorized();
  const fileId = /^\d{1,12}$/.test(params.file ?? '') ? Number(params.file) : Number.NaN;
  const file = await requestFileForDpo(params.reference ?? '', fileId);
  return file ? fileResponse(file) : rewrite('/404');
};
