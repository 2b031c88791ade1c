import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Executor } from '../../db/store.ts';
import { auditConsentChain } from '../../src/lib/chain-audit.repo.ts';
import { parseChainKey, signHead, type ChainKey } from '../../src/lib/chain-head.ts';
import { currentChainHead } from '../../src/lib/chain-head.repo.ts';
import { recordAuditEvent } from '../../src/lib/audit.repo.ts';
import { appendConsentRecords } from '../../src/lib/consent.repo.ts';
import { applyRetention, retentionActor, retentionEventKind } from '../../src/lib/retention.repo.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

const day = 24 * 60 * 60 * 1000;
const now = Date.parse('2026-12-02T10:00:00Z');
const fourYearsAgo = now - 4 * 365 * day;
let store: TestStore;
let db: Executor;
let key: ChainKey;

beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
  const parsed = parseChainKey(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  if (!parsed) throw new Error('expected a key');
  key = parsed;
  const old = Array.from({ length: 500 }, (_, index) =>
    consentDecision(`o${String(index).padStart(21, '0')}`, fourYearsAgo + index, false, { expiresAt: fourYearsAgo + 182 * day }),
  );
  const recent = Array.from({ length: 500 }, (_, index) =>
    consentDecision(`r${String(index).padStart(21, '0')}`, now - day + index, true, { expiresAt: now + 180 * day }),
  );
  await store.transaction((tx) => appendConsentRecords(tx, [...old, ...recent]));
});
afterEach(() => store.close());

const anchorNow = async () => [{ line: 1, anchor: signHead(await currentChainHead(db, now), key) }];
const kinds = async (anchors: Awaited<ReturnType<typeof anchorNow>>) => (await auditConsentChain(db, anchors, key)).problems.map((problem) => problem.kind);

describe('auditConsentChain()', () => {
  test('a genuine retention run after an anchor: no problem, the chain checked from its checkpoint', async () => {
    const anchors = await anchorNow();
    expect(
      (await applyRetention(store, { now, retention: { consentRecordsMonths: 36, closedRequestsMonths: 36 }, timeZone: 'Europe/Athens' })).consentRecords
        .deleted,
    ).toBe(500);
    const audit = await auditConsentChain(db, anchors, key);
    expect(audit.problems).toEqual([]);
    expect(audit).toMatchObject({ checked: 500, anchorsChecked: 1, start: { removed: 500, afterId: 500 } });
  });

  test('a forged checkpoint with a forged retention event of matching counts is caught by the anchored record’s time, after the cutoff', async () => {
    const anchors = await anchorNow();
    const last = (await store.row('select id, record_hash as hash from consent_records order by id desc limit 1')) as { id: number; hash: string };
    await store.run(
      'insert into consent_retention_checkpoints (up_to_id, last_deleted_hash, deleted_count, occurred_at) values (?, ?, ?, ?)',
      last.id,
      last.hash,
      1000,
      now,
    );
    await store.transaction((tx) =>
      recordAuditEvent(tx, {
        actor: retentionActor,
        kind: retentionEventKind,
        occurredAt: now,
        detail: { consentRecords: { periodMonths: 36, cutoff: new Date(now - 3 * 365 * day).toISOString(), deleted: 1000, upToId: last.id } },
      }),
    );
    await store.run('delete from consent_records');
    const audit = await auditConsentChain(db, anchors, key);
    expect(audit.problems.map((problem) => problem.kind)).toEqual(['unbacked-checkpoint']);
    expect(audit.problems[0]?.message).toMatch(/removed record #1000, recorded .* \(anchor 1\), after the run's cutoff/);
  });

  test('an anchor signed by another key, or changed, is named and not used', async () => {
    const [entry] = await anchorNow();
    if (!entry) throw new Error('expected an anchor');
    const other = parseChainKey(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (!other) throw new Error('expected a key');
    const foreign = { line: 2, anchor: signHead(await currentChainHead(db, now), other) };
    const changed = { line: 3, anchor: { ...entry.anchor, lastId: 999 } };
    expect(await kinds([entry, foreign, changed])).toEqual(['bad-anchor', 'bad-anchor']);
    expect((await auditConsentChain(db, [entry, foreign, changed], key)).anchorsChecked).toBe(1);
  });
});
