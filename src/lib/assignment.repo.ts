import { and, eq, isNull } from 'drizzle-orm';
import type { RequestRow } from '../../db/rows.ts';
import type { Store } from '../../db/store.ts';
import { dpoUsers, requestEvents, requests } from '../../db/tables.ts';

// Which DPO works on a request: the inbox shows it, the daily digest goes to them (to every DPO while nobody has it).
// Each change is an `assigned` event naming the account, in the same transaction as the change.

export type Assignment = { ok: true; request: RequestRow; changed: boolean } | { ok: false; problem: 'notFound' | 'account' };

/**
 * Assigns the request to the enabled DPO account `accountId`, or to nobody (null). Assigning it to whom it already has
 * changes nothing and records nothing; a disabled or unknown account is refused.
 */
export async function assignRequest(store: Store, reference: string, accountId: number | null, actor: string, now: number): Promise<Assignment> {
  return store.transaction(async (tx) => {
    const [request] = await tx.select().from(requests).where(eq(requests.reference, reference)).limit(1);
    if (!request) return { ok: false, problem: 'notFound' };
    let email: string | null = null;
    if (accountId !== null) {
      const [account] = await tx
        .select({ email: dpoUsers.email })
        .from(dpoUsers)
        .where(and(eq(dpoUsers.id, accountId), isNull(dpoUsers.disabledAt)))
        .limit(1);
      if (!account) return { ok: false, problem: 'account' };
      email = account.email;
    }
    if (request.assignedTo === accountId) return { ok: true, request, changed: false };
    const [updated] = await tx.update(requests).set({ assignedTo: accountId }).where(eq(requests.id, request.id)).returning();
    await tx.insert(requestEvents).values({ requestId: request.id, occurredAt: now, actor, kind: 'assigned', detail: JSON.stringify({ to: email }) });
    return { ok: true, request: updated ?? request, changed: true };
  });
}
