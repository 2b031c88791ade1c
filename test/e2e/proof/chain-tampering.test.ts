// The consent chain against someone with write access to the database itself, on whichever store the run uses: they
// drop an append-only trigger, change or cut records, and put the trigger back; `npm run consent:verify` names what was done, and
// `npm run consent:anchor` signs no head for a chain that does not verify. (chain.test.ts runs every case of issue 13
// on copies of a large SQLite file; this is the part that needs no file copy, so it runs on PostgreSQL too.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { migrateFor } from '../../../scripts/support/server-process.ts';
import type { ConsentRecordFields } from '../../../src/lib/consent.ts';
import { appendConsentRecords } from '../../../src/lib/consent.repo.ts';
import { consentDecision } from '../../support/consent-decision.ts';
import { runScript } from '../scripts.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const records = 200;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A migrated database of its own with `records` decisions on the chain, anchored once. */
async function anchoredChain(): Promise<{ database: TestStoreEnvironment; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-chain-tampering-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const database = await testStoreEnvironment(dir);
  cleanups.push(() => database.drop());
  const env = { ...database.env, ANCHORS_PATH: join(dir, 'consent-anchors.jsonl'), CHAIN_SIGNING_KEY_FILE: join(dir, 'keys', 'chain.pem') };
  migrateFor(env);
  const now = Date.now();
  const batch: ConsentRecordFields[] = Array.from({ length: records }, (_, index) =>
    consentDecision(`t${String(index).padStart(21, '0')}`, now - records + index, index % 2 === 0, { expiresAt: now + 180 * 86_400_000 }),
  );
  await database.store().transaction((tx) => appendConsentRecords(tx, batch));
  await database.close();
  const anchored = runScript('scripts/consent-anchor.ts', [], env);
  expect(anchored.status, anchored.stderr).toBe(0);
  const verified = runScript('scripts/consent-verify.ts', [], env);
  expect([verified.status, verified.stderr]).toEqual([0, '']);
  expect(verified.stdout).toContain(`Consent chain intact: ${records} records verified`);
  return { database, env };
}

describe('npm run consent:verify, after records were changed behind a dropped append-only trigger', () => {
  test('a record whose choices were changed without recomputing its hash is named as rewritten', async () => {
    const { database, env } = await anchoredChain();
    const target = await database.sql.value<number>('select id from consent_records order by id limit 1 offset 150');
    await database.sql.behindTrigger('consent_records', 'consent_records_no_update', () =>
      database.sql.run(
        "update consent_records set action = 'accept-all', preferences = ?, analytics = ?, marketing = ? where id = ?",
        true,
        true,
        true,
        target,
      ),
    );
    const result = runScript('scripts/consent-verify.ts', [], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`rewritten record #${target}\\b`, 'i'));
    expect(result.stdout).not.toContain('intact');
  });

  test('the newest records deleted are a missing tail, and the next anchoring signs no head', async () => {
    const { database, env } = await anchoredChain();
    const newest = await database.sql.value<number>('select max(id) from consent_records');
    await database.sql.behindTrigger('consent_records', 'consent_records_no_delete', () =>
      database.sql.run('delete from consent_records where id > ?', newest - 20),
    );
    const result = runScript('scripts/consent-verify.ts', [], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing tail/i);
    const before = readFileSync(env.ANCHORS_PATH ?? '', 'utf8');
    const again = runScript('scripts/consent-anchor.ts', [], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/the chain does not verify, so no head is signed.*missing tail/);
    expect(readFileSync(env.ANCHORS_PATH ?? '', 'utf8')).toBe(before);
  });
});
