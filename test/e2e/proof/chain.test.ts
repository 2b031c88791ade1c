// The consent chain before a sceptical auditor: each tampering case of issue 13 on a copy of a 25,000-record database
// this file builds (with a real retention run and a real erasure in it), anchored with `npm run consent:anchor`, then
// tampered with as someone holding the database file would, then checked with `npm run consent:verify`.
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../db/connection.ts';
import { sqliteStore } from '../../../db/store.ts';
import { hashConsentRecord, type ConsentRecordFields } from '../../../src/lib/consent.ts';
import { appendConsentRecords } from '../../../src/lib/consent.repo.ts';
import { newToken } from '../../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../../src/lib/requests.ts';
import { applyRetention } from '../../../src/lib/retention.repo.ts';
import { consentDecision } from '../../support/consent-decision.ts';
import { runScript } from '../scripts.ts';

const dir = mkdtempSync(join(tmpdir(), 'portal-chain-'));
const source = join(dir, 'source.db');
const day = 24 * 60 * 60 * 1000;
const now = Date.now();
const total = 25_000;
const oldRecords = 1000;
const erasedId = 'eeeeeeeeeeeeeeeeeeeeee';
let caseNumber = 0;

beforeAll(async () => {
  const db = openDatabase(source);
  migrateDatabase(db);
  const store = sqliteStore(db);
  const fourYearsAgo = now - 4 * 365 * day;
  for (let start = 0; start < total; start += 1000) {
    const batch: ConsentRecordFields[] = [];
    for (let index = start; index < start + 1000; index += 1) {
      const old = index < oldRecords;
      const at = old ? fourYearsAgo + index * 1000 : now - day + index;
      const id = index % 5000 === 4321 ? erasedId : `r${String(index).padStart(21, '0')}`;
      batch.push(consentDecision(id, at, index % 3 === 0, { expiresAt: old ? at + 182 * day : now + 180 * day }));
    }
    await store.transaction((tx) => appendConsentRecords(tx, batch));
  }
  const retention = await applyRetention(store, { now, retention: { consentRecordsMonths: 36, closedRequestsMonths: 36 }, timeZone: 'Europe/Athens' });
  expect(retention.consentRecords.deleted).toBe(oldRecords);
  const submission = requestSubmissionSchema.parse({
    type: 'erasure',
    locale: 'el',
    name: 'Ελένη Ιωάννου',
    email: 'eleni.chain@example.gr',
    scope: 'Όλα',
    grounds: 'Ανακαλώ',
    declaration: true,
    consentId: erasedId,
  });
  const request = await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
  await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now);
  await takeAction(store, request.reference, { action: 'start' }, 'dpo:eleni@ostria.example', now);
  expect((await takeAction(store, request.reference, { action: 'erase' }, 'dpo:eleni@ostria.example', now + 1)).ok).toBe(true);
  db.$client.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh copy of the source database with its own anchors file and signing key. */
function freshCase() {
  caseNumber += 1;
  const env = {
    DATABASE_PATH: join(dir, `case-${caseNumber}.db`),
    ANCHORS_PATH: join(dir, `case-${caseNumber}.anchors`),
    CHAIN_SIGNING_KEY_FILE: join(dir, `keys-${caseNumber}`, 'consent-chain-signing-key.pem'),
  };
  copyFileSync(source, env.DATABASE_PATH);
  return env;
}

const anchor = (env: Record<string, string>) => runScript('scripts/consent-anchor.ts', [], env);
const verify = (env: Record<string, string>) => runScript('scripts/consent-verify.ts', [], env);

/** Tampers as an attacker with the file does: drops the append-only triggers, changes rows, puts the triggers back. */
function tamper(path: string, change: (client: Database.Database) => void) {
  const client = new Database(path);
  const triggers = client.prepare("select name, sql from sqlite_master where type = 'trigger'").all() as { name: string; sql: string }[];
  for (const trigger of triggers) client.exec(`drop trigger "${trigger.name}"`);
  change(client);
  for (const trigger of triggers) client.exec(trigger.sql);
  client.close();
}

const hasColumn = (client: Database.Database, column: string) =>
  (client.prepare("select name from pragma_table_info('consent_records')").pluck().all() as string[]).includes(column);

interface Row extends Record<string, unknown> {
  id: number;
  previous_hash: string;
}

/** The record's fields as hashConsentRecord takes them. */
function fieldsOf(row: Record<string, unknown>): ConsentRecordFields {
  return {
    consentId: row.consent_id as string,
    siteId: row.site_id as string,
    origin: row.origin as string,
    recordedAt: row.recorded_at as number,
    action: row.action as ConsentRecordFields['action'],
    source: row.source as ConsentRecordFields['source'],
    preferences: row.preferences === 1,
    analytics: row.analytics === 1,
    marketing: row.marketing === 1,
    locale: row.locale as string,
    policyDocument: row.policy_document as string,
    policyVersion: row.policy_version as number,
    textHash: row.text_hash as string,
    bannerVersion: row.banner_version as string,
    revision: row.revision as string,
    expiresAt: row.expires_at as number,
    gpcSignal: row.gpc_signal === 1,
  };
}

describe('npm run consent:anchor', () => {
  test('appends a signed head to the anchors file, prints it, and verify then checks the chain against it', async () => {
    const env = freshCase();
    const first = anchor(env);
    expect(first.status, first.stderr).toBe(0);
    const line = readFileSync(env.ANCHORS_PATH, 'utf8').trim();
    const head = JSON.parse(line) as { count: number; lastId: number; lastHash: string; keyId: string; signature: string };
    expect(first.stdout).toContain(line);
    expect(head).toMatchObject({
      count: total,
      lastId: total,
      lastHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      keyId: expect.any(String),
      signature: expect.any(String),
    });
    expect(anchor(env).status).toBe(0);
    expect(readFileSync(env.ANCHORS_PATH, 'utf8').trim().split('\n')).toHaveLength(2);
    const verified = verify(env);
    expect([verified.status, verified.stderr]).toEqual([0, '']);
    expect(verified.stdout).toContain(`Consent chain intact: ${total - oldRecords} records verified`);
    expect(verified.stdout).toContain('2 signed heads');
  });
});

describe('npm run consent:verify names each tampering', () => {
  test('a tail cut: the newest records deleted', async () => {
    const env = freshCase();
    anchor(env);
    tamper(env.DATABASE_PATH, (client) => client.prepare('delete from consent_records where id > ?').run(total - 100));
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing tail/i);
    expect(result.stdout).not.toContain('intact');
    // Nor does the next anchoring vouch for the cut chain.
    const before = readFileSync(env.ANCHORS_PATH, 'utf8');
    const again = anchor(env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/the chain does not verify, so no head is signed.*missing tail/);
    expect(readFileSync(env.ANCHORS_PATH, 'utf8')).toBe(before);
  });

  test('a checkpoint for the last record, then every record deleted, all with the triggers in place', async () => {
    const env = freshCase();
    anchor(env);
    const client = new Database(env.DATABASE_PATH);
    const last = client.prepare('select id, record_hash as hash from consent_records order by id desc limit 1').get() as { id: number; hash: string };
    client
      .prepare('insert into consent_retention_checkpoints (up_to_id, last_deleted_hash, deleted_count, occurred_at) values (?, ?, ?, ?)')
      .run(last.id, last.hash, total - oldRecords, now);
    client.prepare('delete from consent_records').run();
    client.close();
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/checkpoint .*not backed by a retention run/i);
    expect(result.stdout).not.toContain('intact');
  });

  test('a record marked erased when no erasure happened (a fake tombstone)', async () => {
    const env = freshCase();
    anchor(env);
    const client = new Database(env.DATABASE_PATH);
    const salt = hasColumn(client, 'consent_salt') ? ', consent_salt = null' : '';
    client.prepare(`update consent_records set consent_id = 'erased', erased_at = ?${salt} where id = ?`).run(now + 5000, total - 10);
    client.close();
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tombstone .*#24990.*not backed by an executed erasure/i);
  });

  test('an erased record’s action, choices and origin changed', async () => {
    const env = freshCase();
    anchor(env);
    let target = 0;
    tamper(env.DATABASE_PATH, (client) => {
      target = client.prepare("select id from consent_records where consent_id = 'erased' order by id limit 1").pluck().get() as number;
      client
        .prepare(
          "update consent_records set action = 'accept-all', preferences = 1, analytics = 1, marketing = 1, origin = 'https://evil.example' where id = ?",
        )
        .run(target);
    });
    expect(target).toBeGreaterThan(0);
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`tombstone #${target}.*remaining fields changed`, 'i'));
  });

  test('a record changed without recomputing its hash (a rewritten record)', async () => {
    const env = freshCase();
    anchor(env);
    tamper(env.DATABASE_PATH, (client) =>
      client.prepare("update consent_records set action = 'accept-all', preferences = 1, analytics = 1, marketing = 1 where id = ?").run(20_000),
    );
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/rewritten record #20000/i);
  });

  test('a record changed and every later hash recomputed with plain SHA-256 (hashConsentRecord): the signed head no longer matches', async () => {
    const env = freshCase();
    anchor(env);
    tamper(env.DATABASE_PATH, (client) => {
      client.prepare("update consent_records set action = 'accept-all', preferences = 1, analytics = 1, marketing = 1 where id = ?").run(20_000);
      const version = hasColumn(client, 'hash_version') ? ', hash_version = 1' : '';
      const rows = client.prepare('select * from consent_records where id >= ? order by id').all(20_000) as Row[];
      const update = client.prepare(`update consent_records set previous_hash = ?, record_hash = ?${version} where id = ?`);
      let previous = rows[0]?.previous_hash ?? '';
      for (const row of rows) {
        // An erased record's id is gone; the attacker keeps it as it reads now.
        const hash = hashConsentRecord(previous, fieldsOf(row));
        update.run(previous, hash, row.id);
        previous = hash;
      }
    });
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/recomputed hashes/i);
    expect(result.stderr).toMatch(/signed head .*no longer matches/i);
  });
});

describe('bad input: refused with a clear message, exit 1, nothing changed', () => {
  test('an anchors file whose line was edited (its signature no longer verifies)', async () => {
    const env = freshCase();
    expect(anchor(env).status).toBe(0);
    const text = readFileSync(env.ANCHORS_PATH, 'utf8');
    writeFileSync(env.ANCHORS_PATH, text.replace(`"count":${total}`, `"count":${total - 100}`));
    const result = verify(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/anchor 1 .*signature does not verify/i);
  });

  test('anchors signed with another key than the configured one', async () => {
    const env = freshCase();
    expect(anchor(env).status).toBe(0);
    const otherKey = join(dir, `other-key-${caseNumber}.pem`);
    writeFileSync(otherKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const anchorsBefore = readFileSync(env.ANCHORS_PATH, 'utf8');
    const result = verify({ ...env, CHAIN_SIGNING_KEY_FILE: otherKey });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/signed with another key/i);
    expect(readFileSync(env.ANCHORS_PATH, 'utf8')).toBe(anchorsBefore);
  });

  test('a signing key that is missing when anchors exist, and one that is not an Ed25519 private key', async () => {
    const env = freshCase();
    expect(anchor(env).status).toBe(0);
    const missing = verify({ ...env, CHAIN_SIGNING_KEY_FILE: join(dir, 'nowhere', 'key.pem') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/signing key/i);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    const unsigned = anchor({ ...env, CHAIN_SIGNING_KEY_FILE: join(dir, 'nowhere', 'key.pem') });
    expect(unsigned.status).toBe(1);
    expect(unsigned.stderr).toMatch(/no signing key at .*nowhere/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    const wrong = join(dir, `wrong-${caseNumber}.pem`);
    writeFileSync(wrong, 'not a key');
    for (const run of [verify, anchor]) {
      const result = run({ ...env, CHAIN_SIGNING_KEY_FILE: wrong });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/CHAIN_SIGNING_KEY_FILE.*Ed25519/);
    }
    expect(readFileSync(env.ANCHORS_PATH, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('a database that is not the portal’s', async () => {
    const env = freshCase();
    const foreign = join(dir, `foreign-${caseNumber}.db`);
    const client = new Database(foreign);
    client.exec('create table notes (id integer primary key, body text)');
    client.close();
    for (const run of [anchor, verify]) {
      const result = run({ ...env, DATABASE_PATH: foreign });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/not the portal’s database/);
    }
    const after = new Database(foreign);
    expect(after.prepare("select name from sqlite_master where type = 'table'").pluck().all()).toEqual(['notes']);
    after.close();
    expect(existsSync(env.ANCHORS_PATH)).toBe(false);
  });
});
