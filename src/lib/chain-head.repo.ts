import { count, desc, sum } from 'drizzle-orm';
import { consentRecords, consentRetentionCheckpoints } from '../../db/tables.ts';
import type { Executor } from '../../db/store.ts';
import { genesisHash } from './consent.ts';
import type { ChainHead } from './chain-head.ts';

/** The chain's head now; read it inside a snapshot read so the count, the last record and the checkpoints agree. */
export async function currentChainHead(db: Executor, now: number): Promise<Omit<ChainHead, 'keyId' | 'format'>> {
  const [last] = await db
    .select({ id: consentRecords.id, hash: consentRecords.recordHash, recordedAt: consentRecords.recordedAt })
    .from(consentRecords)
    .orderBy(desc(consentRecords.id))
    .limit(1);
  const [remaining] = await db.select({ n: count() }).from(consentRecords);
  const [checkpoint] = await db
    .select({ upToId: consentRetentionCheckpoints.upToId, hash: consentRetentionCheckpoints.lastDeletedHash })
    .from(consentRetentionCheckpoints)
    .orderBy(desc(consentRetentionCheckpoints.id))
    .limit(1);
  const [removed] = await db.select({ total: sum(consentRetentionCheckpoints.deletedCount).mapWith(Number) }).from(consentRetentionCheckpoints);
  const removedCount = removed?.total ?? 0;
  return {
    count: (remaining?.n ?? 0) + removedCount,
    lastId: last?.id ?? checkpoint?.upToId ?? 0,
    lastHash: last?.hash ?? checkpoint?.hash ?? genesisHash,
    lastRecordedAt: last?.recordedAt ?? null,
    removed: removedCount,
    at: new Date(now).toISOString(),
  };
}
