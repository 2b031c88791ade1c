import { and, eq } from 'drizzle-orm';
import type { RequestExportRow, RequestRow } from '../../db/rows.ts';
import type { Store } from '../../db/store.ts';
import { requestEvents, requestExports, requests } from '../../db/tables.ts';
import { filesListOf, type RequestFileListing } from './request-files.repo.ts';
import { answerFilesUntil } from './request-downloads.ts';
import { exportLifetimeMs } from './requests.ts';

export type RenewalOutcome =
  | { ok: true; request: RequestRow; until: number; download: RequestExportRow | undefined; files: RequestFileListing[] }
  | { ok: false; problem: 'notFound' | 'nothingToRenew' | 'anonymised' };

/**
 * The DPO renews the requester's downloads for 7 days from now, in one transaction: the package's expiry (access,
 * portability), or the links to the files attached to another type's answer, with an `export-renewed` event the
 * requester sees. Refused when the request's subject was erased or anonymised, or when there is nothing to download.
 */
export async function renewDownloads(store: Store, reference: string, actor: string, now: number): Promise<RenewalOutcome> {
  return store.transaction(async (tx): Promise<RenewalOutcome> => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    if (!request) return { ok: false, problem: 'notFound' };
    const erased = await tx
      .select({ id: requestEvents.id })
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'erased')))
      .limit(1);
    if (request.anonymisedAt !== null || erased.length > 0) return { ok: false, problem: 'anonymised' };
    const until = now + exportLifetimeMs;
    const [download] = await tx.update(requestExports).set({ expiresAt: until }).where(eq(requestExports.requestId, request.id)).returning();
    const files = download ? [] : await filesListOf(tx, request.id, 'dpo');
    if (!download && (files.length === 0 || answerFilesUntil(request, []) === undefined)) return { ok: false, problem: 'nothingToRenew' };
    await tx.insert(requestEvents).values({ requestId: request.id, occurredAt: now, actor, kind: 'export-renewed', detail: JSON.stringify({ until }) });
    return { ok: true, request, until, download, files };
  });
}
