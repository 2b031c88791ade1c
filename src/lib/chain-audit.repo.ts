import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { asc, eq } from 'drizzle-orm';
import { auditEvents, consentRetentionCheckpoints, requestEvents } from '../../db/tables.ts';
import type { Executor } from '../../db/store.ts';
import { headSignatureHolds, type Anchor } from './chain-head.ts';
import type { AnchorLine } from './chain-files.ts';
import { isErasedRecord, recordHashProblem, type ChainStart } from './consent.ts';
import { allConsentRecords, consentChainStart } from './consent.repo.ts';
import { retentionEventKind } from './retention.repo.ts';

export type ChainProblemKind =
  | 'bad-anchor'
  | 'missing-tail'
  | 'missing-records'
  | 'broken-link'
  | 'rewritten-record'
  | 'recomputed-hashes'
  | 'unbacked-checkpoint'
  | 'unbacked-tombstone'
  | 'changed-tombstone';

/** The order problems are reported in: what the signed heads and the audit trail prove first, record by record last. */
const problemOrder: readonly ChainProblemKind[] = [
  'bad-anchor',
  'missing-tail',
  'recomputed-hashes',
  'missing-records',
  'unbacked-checkpoint',
  'unbacked-tombstone',
  'changed-tombstone',
  'rewritten-record',
  'broken-link',
];

export interface ChainProblem {
  kind: ChainProblemKind;
  message: string;
}

export interface ChainAudit {
  checked: number;
  erased: number;
  start: ChainStart;
  /** Anchors whose signature holds with the configured key, and the newest of them. */
  anchorsChecked: number;
  latest?: Anchor | undefined;
  problems: ChainProblem[];
}

export interface ChainVerifier {
  publicKey: KeyObject;
  keyId: string;
}

const retentionDetailSchema = z.object({
  consentRecords: z.object({ cutoff: z.iso.datetime(), deleted: z.number(), upToId: z.number().nullable() }),
});
const erasureDetailSchema = z.object({ counts: z.object({ consentRecords: z.number() }) });

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/**
 * Checks the consent chain the way an auditor would, naming every problem found: each record's link and own hash
 * (format 2 also for erased records), the chain against every signed head of the anchors file (a missing tail, missing
 * records, recomputed hashes), every retention checkpoint against its retention run's audit event (counts and cutoff),
 * and every erased record against an executed erasure's event (its time and counts).
 */
export async function auditConsentChain(db: Executor, anchorLines: readonly AnchorLine[], verifier: ChainVerifier | undefined): Promise<ChainAudit> {
  const problems: ChainProblem[] = [];
  const anchors: { number: number; anchor: Anchor }[] = [];
  anchorLines.forEach((entry, index) => {
    const number = index + 1;
    if ('problem' in entry) problems.push({ kind: 'bad-anchor', message: `anchor ${number} (line ${entry.line} of the anchors file) ${entry.problem}` });
    else if (!verifier) problems.push({ kind: 'bad-anchor', message: `anchor ${number} cannot be checked without the signing key` });
    else if (entry.anchor.keyId !== verifier.keyId) {
      problems.push({
        kind: 'bad-anchor',
        message: `anchor ${number} (line ${entry.line}) was signed with another key (key id ${entry.anchor.keyId}; the configured key is ${verifier.keyId})`,
      });
    } else if (!headSignatureHolds(entry.anchor, verifier.publicKey)) {
      problems.push({
        kind: 'bad-anchor',
        message: `anchor ${number} (line ${entry.line}): its signature does not verify (the line was changed after it was signed)`,
      });
    } else anchors.push({ number, anchor: entry.anchor });
  });

  const start = await consentChainStart(db);
  const anchoredIds = new Set(anchors.map(({ anchor }) => anchor.lastId));
  const seen = new Map<number, { hash: string; countUpTo: number }>();
  const tombstones = new Map<number, { count: number; firstId: number }>();
  let expectedPrevious = start.previousHash;
  let checked = 0;
  let erased = 0;
  let lastId = start.afterId;
  let newestFormat = 1;
  let downgradeSeen = false;
  for await (const record of allConsentRecords(db)) {
    checked += 1;
    lastId = record.id;
    if (record.previousHash !== expectedPrevious) {
      problems.push({
        kind: 'broken-link',
        message: `record #${record.id} does not link to the record before it (a record before it was removed, slipped in or rewritten)`,
      });
    }
    expectedPrevious = record.recordHash;
    const problem = recordHashProblem(record);
    if (problem === 'remaining fields of an erased record changed') {
      problems.push({
        kind: 'changed-tombstone',
        message: `tombstone #${record.id} (an erased record): its remaining fields changed, its hash no longer matches them`,
      });
    } else if (problem) problems.push({ kind: 'rewritten-record', message: `rewritten record #${record.id}: ${problem}` });
    else if (record.hashVersion < newestFormat && !downgradeSeen) {
      // Named once, at the first record: every record after a recomputed one is recomputed too.
      downgradeSeen = true;
      problems.push({
        kind: 'rewritten-record',
        message: `rewritten record #${record.id}: hash format ${record.hashVersion} after records in format ${newestFormat} (its hash was recomputed)`,
      });
    }
    newestFormat = Math.max(newestFormat, record.hashVersion);
    if (isErasedRecord(record) && record.erasedAt !== null) {
      erased += 1;
      const group = tombstones.get(record.erasedAt) ?? { count: 0, firstId: record.id };
      group.count += 1;
      tombstones.set(record.erasedAt, group);
    }
    if (anchoredIds.has(record.id)) seen.set(record.id, { hash: record.recordHash, countUpTo: checked });
  }

  const checkpoints = await checkRetentionCheckpoints(db, anchors, problems);
  await checkTombstones(db, tombstones, checkpoints, problems);
  for (const { number, anchor } of anchors) {
    if (anchor.lastId <= start.afterId) continue;
    const record = seen.get(anchor.lastId);
    if (anchor.lastId > lastId) {
      problems.push({
        kind: 'missing-tail',
        message: `missing tail: anchor ${number} (${anchor.at}) signed ${anchor.count} records up to #${anchor.lastId}; the chain now ends at #${lastId} with ${start.removed + checked} records`,
      });
    } else if (!record) {
      problems.push({ kind: 'missing-records', message: `missing records: record #${anchor.lastId}, the head anchor ${number} signed, is gone` });
    } else if (record.hash !== anchor.lastHash) {
      problems.push({
        kind: 'recomputed-hashes',
        message: `recomputed hashes: the signed head of anchor ${number} (${anchor.at}, record #${anchor.lastId}) no longer matches: it signed ${anchor.lastHash}, the chain holds ${record.hash}`,
      });
    } else if (start.removed + record.countUpTo !== anchor.count) {
      problems.push({
        kind: 'missing-records',
        message: `missing records: anchor ${number} signed ${anchor.count} records up to #${anchor.lastId}; the chain now has ${start.removed + record.countUpTo}`,
      });
    }
  }
  problems.sort((a, b) => problemOrder.indexOf(a.kind) - problemOrder.indexOf(b.kind));
  return { checked, erased, start, anchorsChecked: anchors.length, latest: anchors.at(-1)?.anchor, problems };
}

interface Checkpoint {
  id: number;
  upToId: number;
  deletedCount: number;
  occurredAt: number;
}

/** Each checkpoint needs the audit event of the retention run that wrote it, and no anchored record after its cutoff. */
async function checkRetentionCheckpoints(
  db: Executor,
  anchors: readonly { number: number; anchor: Anchor }[],
  problems: ChainProblem[],
): Promise<Checkpoint[]> {
  const checkpoints: Checkpoint[] = await db
    .select({
      id: consentRetentionCheckpoints.id,
      upToId: consentRetentionCheckpoints.upToId,
      deletedCount: consentRetentionCheckpoints.deletedCount,
      occurredAt: consentRetentionCheckpoints.occurredAt,
    })
    .from(consentRetentionCheckpoints)
    .orderBy(asc(consentRetentionCheckpoints.id));
  const events = await db
    .select({ occurredAt: auditEvents.occurredAt, detail: auditEvents.detail })
    .from(auditEvents)
    .where(eq(auditEvents.kind, retentionEventKind));
  const runs = events.flatMap((event) => {
    const parsed = retentionDetailSchema.safeParse(JSON.parse(event.detail ?? 'null'));
    return parsed.success ? [{ occurredAt: event.occurredAt, ...parsed.data.consentRecords }] : [];
  });
  let previousUpTo = 0;
  for (const checkpoint of checkpoints) {
    const named = `checkpoint #${checkpoint.id} (records up to #${checkpoint.upToId}, ${checkpoint.deletedCount} deleted, ${iso(checkpoint.occurredAt)})`;
    const run = runs.find(
      (candidate) => candidate.occurredAt === checkpoint.occurredAt && candidate.upToId === checkpoint.upToId && candidate.deleted === checkpoint.deletedCount,
    );
    if (!run) {
      problems.push({
        kind: 'unbacked-checkpoint',
        message: `${named} is not backed by a retention run: no ${retentionEventKind} audit event with these counts`,
      });
    } else {
      const cutoff = Date.parse(run.cutoff);
      for (const { number, anchor } of anchors) {
        if (anchor.lastId <= previousUpTo || anchor.lastId > checkpoint.upToId || anchor.lastRecordedAt === null || anchor.lastRecordedAt < cutoff) continue;
        problems.push({
          kind: 'unbacked-checkpoint',
          message: `${named} is not backed by a retention run: it removed record #${anchor.lastId}, recorded ${iso(anchor.lastRecordedAt)} (anchor ${number}), after the run's cutoff ${run.cutoff}`,
        });
      }
    }
    previousUpTo = checkpoint.upToId;
  }
  return checkpoints;
}

/** Erased records, grouped by their erasure time, must match what the executed erasures at that time counted. */
async function checkTombstones(
  db: Executor,
  tombstones: ReadonlyMap<number, { count: number; firstId: number }>,
  checkpoints: readonly Checkpoint[],
  problems: ChainProblem[],
): Promise<void> {
  const counted = new Map<number, number>();
  for (const event of await db
    .select({ occurredAt: requestEvents.occurredAt, detail: requestEvents.detail })
    .from(requestEvents)
    .where(eq(requestEvents.kind, 'erased'))) {
    const parsed = erasureDetailSchema.safeParse(JSON.parse(event.detail ?? 'null'));
    if (parsed.success) counted.set(event.occurredAt, (counted.get(event.occurredAt) ?? 0) + parsed.data.counts.consentRecords);
  }
  for (const [erasedAt, group] of tombstones) {
    const backed = counted.get(erasedAt) ?? 0;
    const named = `tombstone #${group.firstId}${group.count > 1 ? ` and ${group.count - 1} more` : ''} (erased ${iso(erasedAt)})`;
    if (group.count > backed) {
      problems.push({
        kind: 'unbacked-tombstone',
        message: `${named} is not backed by an executed erasure: the erasures of that moment counted ${backed} consent records, the chain holds ${group.count}`,
      });
    } else if (group.count < backed && !checkpoints.some((checkpoint) => checkpoint.occurredAt > erasedAt)) {
      problems.push({
        kind: 'missing-records',
        message: `missing records: the erasure of ${iso(erasedAt)} counted ${backed} consent records, the chain holds ${group.count} of them`,
      });
    }
  }
}
