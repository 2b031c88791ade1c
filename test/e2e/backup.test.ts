import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { migrateDatabase, migrationsFolder, openDatabase } from '../../db/connection.ts';
import { sqliteStore } from '../../db/store.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from './portal.ts';
import { runScript, runScriptAlongside } from './scripts.ts';
import { bannerRevision, keepPosting, postAccessRequest, postRefusal, until, type Answered } from './write-load.ts';

const portals: RunningPortal[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const portal of portals.splice(0)) await portal.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const temporaryDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};

/** The consent ids and request references in a database file, read while the portal may be serving it. */
function storedIds(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      consents: new Set(db.prepare('select consent_id from consent_records').pluck().all() as string[]),
      requests: new Set(db.prepare('select reference from requests').pluck().all() as string[]),
    };
  } finally {
    db.close();
  }
}
const ids = (writes: Answered[]) => writes.map((write) => write.id);
const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('npm run db:backup and npm run db:restore', () => {
  test('a backup taken under write load restores what was answered before it began, and nothing written after it', async () => {
    const dir = temporaryDir('portal-backup-');
    const live = join(dir, 'portal.db');
    const backup = join(dir, 'backups', 'portal-backup.db');
    const env = {
      DATABASE_PATH: live,
      OUTBOX_DIR: join(dir, 'outbox'),
      REQUESTS_PER_HOUR_PER_ADDRESS: '100000',
      REQUESTS_PER_HOUR_PER_EMAIL: '100000',
      ...consentBudgetsLifted,
    };
    mkdirSync(join(dir, 'backups'));
    const portal = await startPortal(env);
    portals.push(portal);
    const revision = await bannerRevision(portal.baseURL);
    const consents = keepPosting(() => postRefusal(portal.baseURL, revision), 10);
    const requests = keepPosting(() => postAccessRequest(portal.baseURL), 2);
    await until(() => consents.answered.length >= 300 && requests.answered.length >= 10, 'writes answered before the backup');

    const backupStarted = performance.now();
    const made = await runScriptAlongside('scripts/db-backup.ts', [backup], env);
    const backupFinished = performance.now();
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/integrity: +ok/);
    expect(made.stdout).toMatch(/consent chain: +intact/);
    // Nothing personal in what it prints: counts and times only.
    expect(made.stdout).not.toContain('@example.org');
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // The portal kept answering while the backup ran.
    expect(consents.answered.some((write) => write.sentAt > backupStarted && write.answeredAt < backupFinished)).toBe(true);

    const before = {
      consents: ids(consents.answered.filter((write) => write.answeredAt < backupStarted)),
      requests: ids(requests.answered.filter((write) => write.answeredAt < backupStarted)),
    };
    const atLeast = { consents: consents.answered.length + 100, requests: requests.answered.length + 3 };
    await until(() => consents.answered.length >= atLeast.consents && requests.answered.length >= atLeast.requests, 'writes answered after the backup');
    await Promise.all([consents.stop(), requests.stop()]);
    expect([...consents.refused, ...requests.refused, ...consents.unanswered, ...requests.unanswered]).toEqual([]);
    const after = {
      consents: ids(consents.answered.filter((write) => write.sentAt > backupFinished)),
      requests: ids(requests.answered.filter((write) => write.sentAt > backupFinished)),
    };
    expect(after.consents.length).toBeGreaterThanOrEqual(100);
    expect(after.requests.length).toBeGreaterThanOrEqual(3);

    // Not while the portal runs: refused, and the live database is left alone.
    const whileRunning = runScript('scripts/db-restore.ts', [backup], env);
    expect(whileRunning.status).toBe(1);
    expect(whileRunning.stderr).toContain('stop the portal first');
    expect(storedIds(live).consents.size).toBeGreaterThanOrEqual(atLeast.consents);
    expect(readdirSync(dir).filter((name) => name.includes('before-restore'))).toEqual([]);

    await portal.stop();
    const restore = runScript('scripts/db-restore.ts', [backup], env);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain(`Restored ${backup} into ${live}`);
    const keptAside = readdirSync(dir).filter((name) => name.startsWith('portal.db.before-restore-'));
    expect(keptAside).toHaveLength(1);
    expect(restore.stdout).toContain(`kept at ${join(dir, keptAside[0] ?? '')}`);
    // The replaced database is whole, with what came after the backup.
    const replaced = storedIds(join(dir, keptAside[0] ?? ''));
    expect(replaced.integrity).toBe('ok');
    expect(after.consents.every((id) => replaced.consents.has(id))).toBe(true);

    const restarted = await startPortal(env);
    portals.push(restarted);
    const restored = storedIds(live);
    expect(restored.integrity).toBe('ok');
    expect(before.consents.length).toBeGreaterThanOrEqual(300);
    expect(before.consents.filter((id) => !restored.consents.has(id))).toEqual([]);
    expect(before.requests.filter((reference) => !restored.requests.has(reference))).toEqual([]);
    expect(after.consents.filter((id) => restored.consents.has(id))).toEqual([]);
    expect(after.requests.filter((reference) => restored.requests.has(reference))).toEqual([]);
    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect([verify.status, verify.stderr]).toEqual([0, '']);
    expect(verify.stdout).toContain('Consent chain intact');

    expect((await fetch(`${restarted.baseURL}/healthz`)).status).toBe(200);
    const newDecision = await postRefusal(restarted.baseURL, revision);
    expect(newDecision).toEqual(expect.any(String));
    expect(storedIds(live).consents.has(newDecision as string)).toBe(true);
  });

  test('refuses, with a message and without touching anything: no file named, a file that exists, a file that is not a database', async () => {
    const dir = temporaryDir('portal-backup-refusals-');
    const live = join(dir, 'portal.db');
    const env = { DATABASE_PATH: live };
    const db = openDatabase(live);
    migrateDatabase(db);
    const store = sqliteStore(db);
    await appendConsentRecord(store, consentDecision('A'.repeat(22), Date.now()));
    db.$client.close();
    const liveHash = fileHash(live);

    for (const script of ['scripts/db-backup.ts', 'scripts/db-restore.ts']) {
      const bare = runScript(script, [], env);
      expect(bare.status).toBe(1);
      expect(bare.stderr).toContain('Usage: npm run db:');
    }
    const missingSource = runScript('scripts/db-backup.ts', [join(dir, 'x.db')], { DATABASE_PATH: join(dir, 'none.db') });
    expect([missingSource.status, missingSource.stderr.trim()]).toEqual([1, `No database at ${join(dir, 'none.db')} (DATABASE_PATH): nothing to back up.`]);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
    expect(runScript('scripts/db-backup.ts', [join(dir, 'no-such-folder', 'x.db')], env).stderr).toContain('does not exist');

    const backup = join(dir, 'backup.db');
    expect(runScript('scripts/db-backup.ts', [backup], env).status).toBe(0);
    const first = fileHash(backup);
    const again = runScript('scripts/db-backup.ts', [backup], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists; choose another name or add --force');
    expect(fileHash(backup)).toBe(first);
    expect(runScript('scripts/db-backup.ts', [backup, '--force'], env).status).toBe(0);
    // No half-written file left behind by any of these.
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);

    const notADatabase = join(dir, 'notes.db');
    writeFileSync(notADatabase, 'these are not the pages you are looking for\n'.repeat(200));
    const refused = runScript('scripts/db-restore.ts', [notADatabase], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Refusing to restore');
    expect(refused.stderr).toContain('not a readable SQLite database');
    const otherDatabase = join(dir, 'other.db');
    const other = new Database(otherDatabase);
    other.exec('create table notes (body text)');
    other.close();
    const foreign = runScript('scripts/db-restore.ts', [otherDatabase], env);
    expect([foreign.status, foreign.stderr]).toEqual([1, expect.stringContaining('not a privacy portal database')]);
    expect(runScript('scripts/db-restore.ts', [join(dir, 'missing.db')], env).stderr).toContain('No backup file at');
    expect(fileHash(live)).toBe(liveHash);
    expect(readdirSync(dir).filter((name) => name.includes('before-restore') || name.includes('restoring'))).toEqual([]);
  });

  test('a backup from an older version is brought to the current schema; one from a newer version is refused', async () => {
    const dir = temporaryDir('portal-backup-versions-');
    const env = { DATABASE_PATH: join(dir, 'portal.db') };
    // The migrations of the version before the last one.
    const older = join(dir, 'older-migrations');
    mkdirSync(join(older, 'meta'), { recursive: true });
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries.pop();
    for (const entry of journal.entries) copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(older, `${entry.tag}.sql`));
    writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify(journal));
    const oldBackup = join(dir, 'old.db');
    const old = openDatabase(oldBackup);
    migrateDatabase(old, older);
    old.$client.close();

    const restored = runScript('scripts/db-restore.ts', [oldBackup], env);
    expect([restored.status, restored.stderr]).toEqual([0, '']);
    expect(restored.stdout).toContain('(1 migration applied to reach the current schema)');
    expect(restored.stdout).toContain('There was no database before.');
    const current = openDatabase(env.DATABASE_PATH);
    expect(current.$client.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length + 1);
    // A version this portal does not know yet.
    current.$client.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('f'.repeat(64), Date.now() + 86_400_000);
    current.$client.close();
    const newer = join(dir, 'newer.db');
    copyFileSync(env.DATABASE_PATH, newer);
    const refused = runScript('scripts/db-restore.ts', [newer], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('unknown to this version of the portal');
  });
});
