// The consent chain's serialisation point on PostgreSQL: several instances (here, several pools on one database)
// append through `takeConsentChainLock` as db/postgres/schema.ts describes, and the chain never forks.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { asc, desc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  closePostgresDatabase,
  migratePostgresDatabase,
  openPostgresDatabase,
  type PostgresDatabase,
  type PostgresTransaction,
} from '../../db/postgres/connection.ts';
import { takeConsentChainLock } from '../../db/postgres/consent-chain-lock.ts';
import { consentChainLockKey, consentRecords, consentRetentionCheckpoints } from '../../db/postgres/schema.ts';
import { databaseForTheseTests, postgresReachable } from '../support/postgres.ts';

const genesis = '0'.repeat(64);

function decision(consentId: string, previousHash: string): typeof consentRecords.$inferInsert {
  const fields = { consentId, siteId: 'demo', origin: 'https://shop.example', recordedAt: Date.now(), action: 'accept-all', source: 'banner' } as const;
  return {
    ...fields,
    preferences: true,
    analytics: true,
    marketing: true,
    locale: 'el',
    policyDocument: 'privacy-notice',
    policyVersion: 1,
    textHash: 't',
    bannerVersion: 'b1',
    revision: 'r1',
    expiresAt: Date.now() + 1,
    gpcSignal: false,
    previousHash,
    recordHash: createHash('sha256').update(previousHash).update(JSON.stringify(fields)).digest('hex'),
  };
}

/** The chain's head as an append reads it: the newest record, else the latest checkpoint, else the genesis hash. */
async function head(tx: PostgresTransaction): Promise<string> {
  const [last] = await tx.select({ hash: consentRecords.recordHash }).from(consentRecords).orderBy(desc(consentRecords.id)).limit(1);
  if (last) return last.hash;
  const [checkpoint] = await tx
    .select({ hash: consentRetentionCheckpoints.lastDeletedHash })
    .from(consentRetentionCheckpoints)
    .orderBy(desc(consentRetentionCheckpoints.id))
    .limit(1);
  return checkpoint?.hash ?? genesis;
}

/** A group commit as the portal makes one: lock, read the head, hash the batch onto it, insert, commit. */
async function appendBatch(db: PostgresDatabase, consentIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await takeConsentChainLock(tx);
    let previous = await head(tx);
    for (const consentId of consentIds) {
      const record = decision(consentId, previous);
      await tx.insert(consentRecords).values(record);
      previous = record.recordHash;
    }
  });
}

/** Where the chain breaks: every record whose previous hash is not its predecessor's hash. */
async function forks(db: PostgresDatabase): Promise<number[]> {
  const records = await db
    .select({ id: consentRecords.id, previousHash: consentRecords.previousHash, recordHash: consentRecords.recordHash })
    .from(consentRecords)
    .orderBy(asc(consentRecords.id));
  return records.flatMap((record, index) => (record.previousHash === (records[index - 1]?.recordHash ?? genesis) ? [] : [record.id]));
}

/** Settles to 'waiting' when `promise` has not settled within `ms`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise.then(() => 'done' as const), sleep(ms).then(() => 'waiting' as const)]);

const reachable = await postgresReachable();

describe.skipIf(!reachable)('the consent chain lock on PostgreSQL', () => {
  const database = databaseForTheseTests();
  let instances: PostgresDatabase[] = [];

  beforeAll(async () => {
    instances = [openPostgresDatabase(database.url), openPostgresDatabase(database.url)];
    await migratePostgresDatabase(instances[0] as PostgresDatabase);
  });
  afterAll(async () => {
    await Promise.all(instances.map((db) => closePostgresDatabase(db)));
  });
  const [first, second] = [() => instances[0] as PostgresDatabase, () => instances[1] as PostgresDatabase];

  test('an append on one instance waits for another instance’s append and links to its last record', async () => {
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked = () => {};
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const firstAppend = first().transaction(async (tx) => {
      await takeConsentChainLock(tx);
      firstLocked();
      const record = decision('first-instance-000000a', await head(tx));
      await tx.insert(consentRecords).values(record);
      await firstHolds;
    });
    await locked;
    let secondSaw = '';
    const secondAppend = second().transaction(async (tx) => {
      await takeConsentChainLock(tx);
      secondSaw = await head(tx);
      await tx.insert(consentRecords).values(decision('second-instance-00000b', secondSaw));
    });
    expect(await within(secondAppend, 500)).toBe('waiting');
    releaseFirst();
    await Promise.all([firstAppend, secondAppend]);
    const [firstRecord] = await first().select().from(consentRecords).where(sql`${consentRecords.consentId} = 'first-instance-000000a'`);
    expect(secondSaw).toBe(firstRecord?.recordHash);
    expect(await forks(first())).toEqual([]);
  });

  test('two instances appending batches at once never fork the chain', async () => {
    const appends = [first(), second()].flatMap((db, instance) =>
      Array.from({ length: 40 }, (_, round) =>
        appendBatch(
          db,
          Array.from({ length: 1 + (round % 4) }, (_, n) => `i${instance}-r${round}-n${n}`),
        ),
      ),
    );
    await Promise.all(appends);
    const { rows } = await first().$client.query<{ count: string }>("select count(*) from consent_records where consent_id like 'i%-r%'");
    expect(Number(rows[0]?.count)).toBe(2 * (10 * (1 + 2 + 3 + 4)));
    expect(await forks(first())).toEqual([]);
  });

  test('an instance that hangs mid-append loses the lock to the others once its transaction sat idle too long', async () => {
    const ended: Error[] = [];
    const hanging = openPostgresDatabase(database.url, { idleInTransactionTimeoutMs: 300, onConnectionError: (error) => ended.push(error) });
    const hang = new AbortController();
    let locked = () => {};
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const hung = hanging.transaction(async (tx) => {
      await takeConsentChainLock(tx);
      locked();
      await sleep(60_000, undefined, { signal: hang.signal }).catch(() => undefined);
    });
    await holding;
    const started = Date.now();
    await appendBatch(second(), ['after-the-hung-instance']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await forks(second())).toEqual([]);
    expect(ended.map((error) => error.message)).toEqual(['terminating connection due to idle-in-transaction timeout']);
    hang.abort();
    await expect(hung).rejects.toThrow();
    await closePostgresDatabase(hanging);
  });

  test('refuses to append at REPEATABLE READ, where the lock cannot show the records appended while it waited', async () => {
    const attempt = first().transaction(async (tx) => takeConsentChainLock(tx), { isolationLevel: 'repeatable read' });
    await expect(attempt).rejects.toThrow('the consent chain is appended to at READ COMMITTED, not repeatable read');
  });

  test('a retention checkpoint waits for the chain lock, so two retention runs cannot both move the start', async () => {
    const [third, fifth] = await first()
      .select({ id: consentRecords.id, hash: consentRecords.recordHash })
      .from(consentRecords)
      .orderBy(asc(consentRecords.id))
      .offset(2)
      .limit(3)
      .then((rows) => [rows[0], rows[2]]);
    const checkpoint = (record: typeof third) => ({ upToId: record?.id ?? 0, lastDeletedHash: record?.hash ?? '', deletedCount: 1, occurredAt: 1 });
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let inserted = () => {};
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    const firstRun = first().transaction(async (tx) => {
      await tx.insert(consentRetentionCheckpoints).values(checkpoint(fifth));
      inserted();
      await firstHolds;
    });
    await firstInserted;
    // The first run's trigger holds the lock: the chain's own key, so appends wait for retention too.
    const { rows } = await second().$client.query<{ holders: string }>(
      "select count(*) as holders from pg_locks where locktype = 'advisory' and granted and ((classid::bigint << 32) | objid::bigint) = $1",
      [consentChainLockKey],
    );
    expect(Number(rows[0]?.holders)).toBe(1);
    const secondRun = second().transaction(async (tx) => {
      await tx.insert(consentRetentionCheckpoints).values(checkpoint(third));
    });
    expect(
      await within(
        secondRun.catch(() => undefined),
        500,
      ),
    ).toBe('waiting');
    releaseFirst();
    await firstRun;
    // drizzle wraps the driver's error; the trigger's words are the cause's.
    await expect(secondRun).rejects.toMatchObject({
      cause: { message: 'a retention checkpoint moves forward and names the hash of the last record it removes' },
    });
  });
});
