import type { APIRoute } from 'astro';
import { jsonError } from '../../../../../server/http.ts';
import { downloadAnswerFile, fileResponse } from '../../../../../server/request-downloads.ts';

/**
 * One file the DPO attached to the answer of a request without a package (rectification, erasure, restriction,
 * objection), downloadable by the requester with its signed link for 7 days after completion or the DPO's renewal.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const fileId = /^\d{1,12}$/.test(params.file ?? '') ? Number(params.file) : Number.NaN;
  const download = await downloadAnswerFile(params.reference ?? '', fileId, { until: url.searchParams.get('until'), sig: url.searchParams.get('sig') });
  if (!download.ok && download.problem === 'notFound') return jsonError(404, 'no_file', 'No file is available for this link.');
  if (!download.ok)
    return jsonError(410, 'file_expired', 'This file was downloadable for 7 days and has expired; ask the data protection officer to renew it.');
  return fileResponse(download.file);
};
