import type { RequestEventRow, RequestExportRow, RequestRow } from '../../db/rows.ts';
import { producesExport } from './request-workflow.ts';
import { exportLifetimeMs } from './requests.ts';

/** The renewal is offered once the download has expired or will within this time. */
export const renewalOfferedWithinMs = 2 * 24 * 60 * 60 * 1000;

/**
 * Until when the requester can download the files the DPO attached to the answer of a request without a package
 * (rectification, erasure, restriction, objection): 7 days from its completion, or to the end of the latest renewal.
 * Undefined while the request is not completed, and for access and portability (their files are in the package).
 */
export function answerFilesUntil(
  request: Pick<RequestRow, 'type' | 'status' | 'closedAt'>,
  events: readonly Pick<RequestEventRow, 'kind' | 'detail'>[],
): number | undefined {
  if (producesExport(request.type) || request.status !== 'completed' || request.closedAt === null) return undefined;
  const renewals = events.filter((event) => event.kind === 'export-renewed').map((event) => renewedUntil(event.detail));
  return Math.max(request.closedAt + exportLifetimeMs, ...renewals);
}

function renewedUntil(detail: string | null): number {
  const until = detail ? (JSON.parse(detail) as { until?: unknown }).until : undefined;
  return typeof until === 'number' ? until : 0;
}

/** Until when the requester's downloads run (the package's expiry, or the answer's files'), if there are any. */
export function downloadsUntil(
  download: Pick<RequestExportRow, 'expiresAt'> | undefined,
  filesUntil: number | undefined,
  hasFiles: boolean,
): number | undefined {
  if (download) return download.expiresAt;
  return hasFiles ? filesUntil : undefined;
}

/** Whether the DPO is offered the renewal: the downloads expired, or run out within two days. */
export function renewalOffered(until: number | undefined, now: number): boolean {
  return until !== undefined && until - now <= renewalOfferedWithinMs;
}
