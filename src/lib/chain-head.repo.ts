import type { PortalDatabase } from '../../db/connection.ts';
import { genesisHash } from './consent.ts';
import type { ChainHead } from './chain-head.ts';

/** The chain's head now, read in one transaction so the count, the last record and the checkpoints agree. */
export function currentChainHead(db: PortalDatabase, now: number): Omit<ChainHead, 'keyId' | 'format'> {
  const client = db.$client;
  return client.transaction(() => {
    const last = client.prepare('select id, record_hash as hash, recorded_at as recordedAt from consent_records order by id desc limit 1').get() as
      | { id: number; hash: string; recordedAt: number }
      | undefined;
    const remaining = client.prepare('select count(*) from consent_records').pluck().get() as number;
    const checkpoint = client.prepare('select up_to_id as upToId, last_deleted_hash as hash from consent_retention_checkpoints order by id desc limit 1').get() as
      | { upToId: number; hash: string }
      | undefined;
    const removed = Number(client.prepare('select coalesce(sum(deleted_count), 0) from consent_retention_checkpoints').pluck().get());
    return {
      count: remaining + removed,
      lastId: last?.id ?? checkpoint?.upToId ?? 0,
      lastHash: last?.hash ?? checkpoint?.hash ?? genesisHash,
      lastRecordedAt: last?.recordedAt ?? null,
      removed,
      at: new Date(now).toISOString(),
    };
  })();
}
