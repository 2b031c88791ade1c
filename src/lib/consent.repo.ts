import { asc, desc, eq, sum } from 'drizzle-orm';
import type { PortalDatabase, Queryable } from '../../db/connection.ts';
import { consentRecords, consentRetentionCheckpoints } from '../../db/schema.ts';
import { chainGenesis, findChainBreak, genesisHash, hashNewRecord, recordHashProblem, type ChainCheck, type ChainStart, type ConsentRecordFields } from './consent.ts';

export type ConsentRecord = typeof consentRecords.$inferSelect;

type Client = PortalDatabase['$client'];

// The append is the portal's hottest write: its statements are prepared once per connection, not per request.
const appendStatements = new WeakMap<Client, { append: (batch: readonly ConsentRecordFields[]) => ConsentRecord[] }>();

function statementsFor(client: Client) {
  let statements = appendStatements.get(client);
  if (!statements) {
    // Once retention removed every record, the next one links to the hash of the last removed (the latest checkpoint).
    const lastHash = client
      .prepare(
        `select coalesce((select record_hash from consent_records order by id desc limit 1),
                         (select last_deleted_hash from consent_retention_checkpoints order by id desc limit 1))`,
      )
      .pluck();
    const insert = client.prepare(
      `insert into consent_records (consent_id, site_id, origin, recorded_at, action, source, preferences, analytics,
         marketing, locale, policy_document, policy_version, text_hash, banner_version, revision, expires_at, gpc_signal,
         previous_hash, record_hash, hash_version, consent_salt, consent_commitment)
       values (@consentId, @siteId, @origin, @recordedAt, @action, @source, @preferences, @analytics, @marketing, @locale,
         @policyDocument, @policyVersion, @textHash, @bannerVersion, @revision, @expiresAt, @gpcSignal, @previousHash, @recordHash,
         @hashVersion, @consentSalt, @consentCommitment)`,
    );
    const append = client.transaction((batch: readonly ConsentRecordFields[]) => {
      let previousHash = (lastHash.get() as string | undefined) ?? genesisHash;
      return batch.map((fields) => {
        const hashed = hashNewRecord(previousHash, fields);
        const row = {
          ...fields,
          preferences: Number(fields.preferences),
          analytics: Number(fields.analytics),
          marketing: Number(fields.marketing),
          gpcSignal: Number(fields.gpcSignal),
          previousHash,
          ...hashed,
        };
        const id = Number(insert.run(row).lastInsertRowid);
        previousHash = row.recordHash;
        return { ...fields, ...hashed, id, previousHash: row.previousHash, erasedAt: null };
      });
    });
    statements = { append: (batch) => append.immediate(batch) };
    appendStatements.set(client, statements);
  }
  return statements;
}

/**
 * Appends one decision to the chain. The previous hash is read and the record written inside one IMMEDIATE
 * transaction, so concurrent writers (other connections, other processes) can never fork the chain.
 */
export function appendConsentRecord(db: PortalDatabase, fields: ConsentRecordFields): ConsentRecord {
  const [record] = appendConsentRecords(db, [fields]);
  if (!record) throw new Error('the append wrote no record');
  return record;
}

/** Appends several decisions, in order, in one transaction: one commit (one fsync) for the whole batch. */
export function appendConsentRecords(db: PortalDatabase, batch: readonly ConsentRecordFields[]): ConsentRecord[] {
  return batch.length === 0 ? [] : statementsFor(db.$client).append(batch);
}

/**
 * Group commit: decisions that arrive while the event loop is busy are appended together in the next turn, in one
 * transaction. Each caller's promise settles only after that transaction committed, so every answered decision is
 * on disk; under load one fsync serves many visitors instead of one each. `onCommit` is told each committed group
 * (the portal's metrics count appends, group sizes and decisions from it).
 */
export function createConsentAppender(db: () => PortalDatabase, onCommit: (records: readonly ConsentRecord[]) => void = () => {}) {
  let queue: { fields: ConsentRecordFields; settle: (record: ConsentRecord) => void; fail: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    try {
      const records = appendConsentRecords(db(), batch.map((entry) => entry.fields));
      batch.forEach((entry, index) => entry.settle(records[index] as ConsentRecord));
      onCommit(records);
    } catch (error) {
      for (const entry of batch) entry.fail(error);
    }
  };
  return (fields: ConsentRecordFields): Promise<ConsentRecord> =>
    new Promise((settle, fail) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ fields, settle, fail });
    });
}

/** Every record of one consent id, oldest first. */
export function consentHistory(db: Queryable, consentId: string): ConsentRecord[] {
  return db.select().from(consentRecords).where(eq(consentRecords.consentId, consentId)).orderBy(asc(consentRecords.id)).all();
}

/**
 * Checks records where they sit in the chain, without walking all of it: each record's hash is recomputed from its
 * fields, the record before it must end in this record's previous hash, and the record after it must start from this
 * record's hash. A record changed, removed or slipped in next to these is named.
 */
export function checkRecordsInChain(db: PortalDatabase, records: readonly ConsentRecord[]): ChainCheck {
  const start = consentChainStart(db);
  const before = db.$client.prepare('select record_hash from consent_records where id < ? order by id desc limit 1').pluck();
  const after = db.$client.prepare('select id, consent_id as consentId, previous_hash as previousHash from consent_records where id > ? order by id limit 1');
  let checked = 0;
  for (const record of records) {
    checked += 1;
    const expectedPrevious = (before.get(record.id) as string | undefined) ?? start.previousHash;
    if (record.previousHash !== expectedPrevious) {
      return { checked, erased: 0, firstBreak: { id: record.id, consentId: record.consentId, reason: 'previous hash does not match' } };
    }
    const problem = recordHashProblem(record);
    if (problem) return { checked, erased: 0, firstBreak: { id: record.id, consentId: record.consentId, reason: problem } };
    const next = after.get(record.id) as { id: number; consentId: string; previousHash: string } | undefined;
    if (next && next.previousHash !== record.recordHash) {
      return { checked, erased: 0, firstBreak: { id: next.id, consentId: next.consentId, reason: 'previous hash does not match' } };
    }
  }
  return { checked, erased: 0 };
}

interface RawRecord extends Omit<ConsentRecord, 'preferences' | 'analytics' | 'marketing' | 'gpcSignal'> {
  preferences: number;
  analytics: number;
  marketing: number;
  gpcSignal: number;
}

/** Every record in chain order, streamed so a million records never sit in memory at once. */
export function* allConsentRecords(db: PortalDatabase): Generator<ConsentRecord> {
  const statement = db.$client.prepare(
    `select id, consent_id as consentId, site_id as siteId, origin, recorded_at as recordedAt, action, source,
            preferences, analytics, marketing, locale, policy_document as policyDocument,
            policy_version as policyVersion, text_hash as textHash, banner_version as bannerVersion, revision,
            expires_at as expiresAt, gpc_signal as gpcSignal, previous_hash as previousHash, record_hash as recordHash, erased_at as erasedAt,
            hash_version as hashVersion, consent_salt as consentSalt, consent_commitment as consentCommitment
       from consent_records order by id`,
  );
  for (const row of statement.iterate() as IterableIterator<RawRecord>) {
    yield {
      ...row,
      preferences: row.preferences === 1,
      analytics: row.analytics === 1,
      marketing: row.marketing === 1,
      gpcSignal: row.gpcSignal === 1,
    };
  }
}

/** Where the remaining chain starts: the latest retention checkpoint, or the genesis hash when there is none. */
export function consentChainStart(db: Queryable): ChainStart {
  const latest = db.select().from(consentRetentionCheckpoints).orderBy(desc(consentRetentionCheckpoints.id)).limit(1).get();
  if (!latest) return chainGenesis;
  const removed = db.select({ total: sum(consentRetentionCheckpoints.deletedCount).mapWith(Number) }).from(consentRetentionCheckpoints).get()?.total ?? 0;
  return { previousHash: latest.lastDeletedHash, afterId: latest.upToId, removed };
}

/** The whole remaining chain checked from where it starts (what `npm run consent:verify` reports). */
export function verifyConsentChain(db: PortalDatabase): ChainCheck & { start: ChainStart } {
  const start = consentChainStart(db);
  return { ...findChainBreak(allConsentRecords(db), start), start };
}
