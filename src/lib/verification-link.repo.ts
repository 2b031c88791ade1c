import { and, eq } from 'drizzle-orm';
import type { RequestRow } from '../../db/rows.ts';
import type { Store } from '../../db/store.ts';
import { requestEvents, requests } from '../../db/tables.ts';
import { emailLookupKey } from './email-address.ts';
import { verificationLifetimeMs } from './requests.ts';

/**
 * Gives a request a new email verification link, when `reference` and `address` name one still waiting for its
 * requester's click: not verified, not anonymised, submitted online (a request the DPO recorded has no link; the DPO
 * checks the identity). The new token's hash replaces the old one, so the old link stops working, and a
 * `verification-resent` event records it (not the address). Undefined when nothing matches: the caller answers the
 * same either way, and the lookup and comparison run either way.
 */
export async function renewVerificationLink(
  store: Store,
  reference: string,
  address: string,
  verifyTokenHash: string,
  now: number,
): Promise<RequestRow | undefined> {
  const addressKey = emailLookupKey(address);
  return store.transaction(async (tx) => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    const [received] = request
      ? await tx
          .select({ actor: requestEvents.actor })
          .from(requestEvents)
          .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'received')))
          .limit(1)
      : [];
    const waiting =
      request !== undefined &&
      request.emailKey === addressKey &&
      request.status === 'received' &&
      request.verifiedAt === null &&
      request.anonymisedAt === null &&
      received?.actor === 'requester';
    if (!waiting) return undefined;
    const [renewed] = await tx
      .update(requests)
      .set({ verifyTokenHash, verifyExpiresAt: now + verificationLifetimeMs })
      .where(eq(requests.id, request.id))
      .returning();
    await tx.insert(requestEvents).values({ requestId: request.id, occurredAt: now, actor: 'requester', kind: 'verification-resent', detail: null });
    return renewed;
  });
}
