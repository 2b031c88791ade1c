import { asc, desc, eq, gt, lt, sum } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { consentRecords, consentRetentionCheckpoints } from '../../db/tables.ts';
import { takeConsentChainLock } from '../../db/postgres/consent-chain-lock.ts';
import { postgresTransactionOf } from '../../db/postgres/store.ts';
import { sqliteClientOf, type Executor, type Store, type Transaction } from '../../db/store.ts';
import {
  chainGenesis,
  findChainBreak,
  genesisHash,
  hashNewRecord,
  recordHashProblem,
  type ChainCheck,
  type ChainStart,
  type ConsentRecordFields,
} from './consent.ts';
import type { ConsentRecord } from '../../db/rows.ts';

/** The hash the next record links to: the last record's, or once retention removed every record, the last removed one's. */
async function lastChainHash(tx: Executor): Promise<string> {
  const [last] = await tx.select({ hash: consentRecords.recordHash }).from(consentRecords).orderBy(desc(consentRecords.id)).limit(1);
  if (last) return last.hash;
  const [checkpoint] = await tx
    .select({ hash: consentRetentionCheckpoints.lastDeletedHash })
    .from(consentRetentionCheckpoints)
    .orderBy(desc(consentRetentionCheckpoints.id))
    .limit(1);
  return checkpoint?.hash ?? genesisHash;
}

// The append is the portal's hottest write: on SQLite its statements are prepared once per connection, not per request.
const appendStatements = new WeakMap<Database.Database, (batch: readonly ConsentRecordFields[]) => ConsentRecord[]>();

function sqliteAppend(client: Database.Database) {
  let append = appendStatements.get(client);
  if (!append) {
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
    append = (batch) => {
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
    };
    appendStatements.set(client, append);
  }
  return append;
}

/**
 * Appends several decisions, in order, inside the caller's write transaction, which serialises the chain: the
 * previous hash is read and the records written under it, so concurrent writers can never fork the chain.
 */
export async function appendConsentRecords(tx: Transaction, batch: readonly ConsentRecordFields[]): Promise<ConsentRecord[]> {
  if (batch.length === 0) return [];
  const client = sqliteClientOf(tx);
  if (client) return sqliteAppend(client)(batch);
  // On PostgreSQL other instances append too: their appends wait here, one at a time, until this transaction ends.
  const postgres = postgresTransactionOf(tx);
  if (postgres) await takeConsentChainLock(postgres);
  let previousHash = await lastChainHash(tx);
  const rows = batch.map((fields) => {
    const row = { ...fields, previousHash, ...hashNewRecord(previousHash, fields) };
    previousHash = row.recordHash;
    return row;
  });
  // One statement for the whole group; ids come from the sequence in the order of the rows.
  const records = await tx.insert(consentRecords).values(rows).returning();
  if (records.length !== rows.length) throw new Error('the append wrote fewer records than it was given');
  return records.sort((a, b) => a.id - b.id);
}

/** Appends one decision to the chain in a transaction of its own. */
export async function appendConsentRecord(store: Store, fields: ConsentRecordFields): Promise<ConsentRecord> {
  const [record] = await store.transaction((tx) => appendConsentRecords(tx, [fields]));
  if (!record) throw new Error('the append wrote no record');
  return record;
}

/**
 * Group commit: decisions that arrive while the event loop is busy are appended together in the next turn, in one
 * transaction. Each caller's promise settles only after that transaction committed, so every answered decision is
 * on disk; under load one fsync serves many visitors instead of one each. `onCommit` is told each committed group
 * (the portal's metrics count appends, group sizes and decisions from it).
 */
export function createConsentAppender(store: Store, onCommit: (records: readonly ConsentRecord[]) => void = () => {}) {
  let queue: { fields: ConsentRecordFields; settle: (record: ConsentRecord) => void; fail: (error: unknown) => void }[] = [];
  // One group in flight at a time: decisions arriving meanwhile wait for the next group instead of each taking a
  // connection of their own to queue on the chain's lock.
  let flushing = false;
  const flush = () => {
    const batch = queue;
    queue = [];
    flushing = true;
    store
      .transaction((tx) =>
        appendConsentRecords(
          tx,
          batch.map((entry) => entry.fields),
        ),
      )
      .then(
        (records) => {
          for (const [index, entry] of batch.entries()) entry.settle(records[index] as ConsentRecord);
          onCommit(records);
        },
        (error: unknown) => {
          for (const entry of batch) entry.fail(error);
        },
      )
      .finally(() => {
        flushing = false;
        if (queue.length > 0) setImmediate(flush);
      });
  };
  return (fields: ConsentRecordFields): Promise<ConsentRecord> =>
    new Promise((settle, fail) => {
      if (queue.length === 0 && !flushing) setImmediate(flush);
      queue.push({ fields, settle, fail });
    });
}

/** Every record of one consent id, oldest first. */
export async function consentHistory(db: Executor, consentId: string): Promise<ConsentRecord[]> {
  return db.select().from(consentRecords).where(eq(consentRecords.consentId, consentId)).orderBy(asc(consentRecords.id));
}

/**
 * Checks records where they sit in the chain, without walking all of it: each record's hash is recomputed from its
 * fields, the record before it must end in this record's previous hash, and the record after it must start from this
 * record's hash. A record changed, removed or slipped in next to these is named.
 */
export async function checkRecordsInChain(db: Executor, records: readonly ConsentRecord[]): Promise<ChainCheck> {
  const start = await consentChainStart(db);
  let checked = 0;
  for (const record of records) {
    checked += 1;
    const [before] = await db
      .select({ hash: consentRecords.recordHash })
      .from(consentRecords)
      .where(lt(consentRecords.id, record.id))
      .orderBy(desc(consentRecords.id))
      .limit(1);
    const expectedPrevious = before?.hash ?? start.previousHash;
    if (record.previousHash !== expectedPrevious) {
      return { checked, erased: 0, firstBreak: { id: record.id, consentId: record.consentId, reason: 'previous hash does not match' } };
    }
    const problem = recordHashProblem(record);
    if (problem) return { checked, erased: 0, firstBreak: { id: record.id, consentId: record.consentId, reason: problem } };
    const [next] = await db
      .select({ id: consentRecords.id, consentId: consentRecords.consentId, previousHash: consentRecords.previousHash })
      .from(consentRecords)
      .where(gt(consentRecords.id, record.id))
      .orderBy(asc(consentRecords.id))
      .limit(1);
    if (next && next.previousHash !== record.recordHash) {
      return { checked, erased: 0, firstBreak: { id: next.id, consentId: next.consentId, reason: 'previous hash does not match' } };
    }
  }
  return { checked, erased: 0 };
}

const streamPageSize = 2_000;

/**
 * Every record in chain order, read a page at a time (by id) so a million records never sit in memory at once. Run it
 * inside a snapshot read when other processes may write meanwhile.
 */
export async function* allConsentRecords(db: Executor): AsyncGenerator<ConsentRecord> {
  let afterId = 0;
  for (;;) {
    const page = await db.select().from(consentRecords).where(gt(consentRecords.id, afterId)).orderBy(asc(consentRecords.id)).limit(streamPageSize);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < streamPageSize) return;
    afterId = last.id;
  }
}

/** Where the remaining chain starts: the latest retention checkpoint, or the genesis hash when there is none. */
export async function consentChainStart(db: Executor): Promise<ChainStart> {
  const [latest] = await db.select().from(consentRetentionCheckpoints).orderBy(desc(consentRetentionCheckpoints.id)).limit(1);
  if (!latest) return chainGenesis;
  const [total] = await db.select({ total: sum(consentRetentionCheckpoints.deletedCount).mapWith(Number) }).from(consentRetentionCheckpoints);
  return { previousHash: latest.lastDeletedHash, afterId: latest.upToId, removed: total?.total ?? 0 };
}

/** The whole remaining chain checked from where it starts (what `npm run consent:verify` reports). */
export async function verifyConsentChain(db: Executor): Promise<ChainCheck & { start: ChainStart }> {
  const start = await consentChainStart(db);
  return { ...(await findChainBreak(allConsentRecords(db), start)), start };
}
