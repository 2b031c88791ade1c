import type { Store, Transaction } from '../../db/store.ts';
import type { Organisation } from './organisation.ts';
import { producesExport } from './request-workflow.ts';
import { findRequest, takeAction, type ActionOutcome } from './requests.repo.ts';
import { buildSubjectExport } from './subject-export.ts';
import { buildRequestPackage, type PackageSources } from './package/package.ts';

export interface Completion {
  reference: string;
  /** The answer sent to the requester. */
  message: string;
  /** Why it is answered while a system's task is still open (access and portability need one then). */
  openTasksReason?: string;
  actor: string;
  now: number;
  organisation: Organisation;
  portalOrigin: string;
  /** The systems, notices and translators the package is made from; without them the export is the v1 JSON alone. */
  packageSources?: Omit<PackageSources, 'organisation' | 'portalOrigin'>;
}

/**
 * Completes a request. For access and portability, the export of everything the portal holds about the requester
 * (by their address and the consent ids proven on their requests) is taken at that moment and stored with the completion, in the same
 * transaction, for the requester to download from their status page: the package (zip with data.json v2, the readable
 * document, CSV for portability and the request's files) when `packageSources` are given.
 */
export async function completeRequest(store: Store, completion: Completion): Promise<ActionOutcome> {
  const request = await store.read((db) => findRequest(db, completion.reference));
  if (!request) return { ok: false, problem: 'status' };
  const sources = completion.packageSources;
  const exportContent = async (tx: Transaction) =>
    sources
      ? buildRequestPackage(
          tx,
          { ...sources, organisation: completion.organisation, portalOrigin: completion.portalOrigin },
          { request, message: completion.message, now: completion.now },
        )
      : JSON.stringify(
          await buildSubjectExport(tx, {
            email: request.email,
            request,
            organisation: completion.organisation,
            portalOrigin: completion.portalOrigin,
            now: completion.now,
          }),
          null,
          2,
        );
  return takeAction(
    store,
    completion.reference,
    {
      action: 'complete',
      message: completion.message,
      ...(completion.openTasksReason ? { openTasksReason: completion.openTasksReason } : {}),
      ...(producesExport(request.type) ? { exportContent } : {}),
    },
    completion.actor,
    completion.now,
  );
}
