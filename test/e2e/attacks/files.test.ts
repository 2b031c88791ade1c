// Attacks on the portal's files and on the database's own protections, as another local account or a tampered backup
// would make them:
// - files holding personal data (database, WAL, SHM, the secret, outbox mails, backups, restored databases, a backup
//   while it is written) must not be readable by anyone but the portal's own account;
// - a database whose append-only triggers were dropped, changed or added to (a doctored backup, an edited live file)
//   must be refused by `npm start`, `db:backup` and `db:restore`, with the live database left as it was;
// - a look-alike address (a Cyrillic а among Latin letters) must be refused also in the punycode form Chromium sends.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateDatabase, openDatabase } from '../../../db/connection.ts';
import { sqliteStore } from '../../../db/store.ts';
import { appendConsentRecords } from '../../../src/lib/consent.repo.ts';
import { freePort, node, root } from '../../../scripts/support/server-process.ts';
import { consentDecision } from '../../support/consent-decision.ts';
import { hasBrowser, launchBrowser } from '../browser.ts';
import { outboxMessagesTo, waitForMessageTo } from '../mail.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw } from '../raw-http.ts';
import { runScript, runScriptAlongside, translate } from '../scripts.ts';

// What an operator's shell usually has: files 0644 and folders 0755 unless the portal takes care. Every script and
// portal this file starts inherits it.
process.umask(0o022);

const scratch = mkdtempSync(join(tmpdir(), 'portal-files-attack-'));
// The data folder does not exist yet: the portal makes it.
const dataDir = join(scratch, 'data');
const databasePath = join(dataDir, 'portal.db');
const outboxDir = join(dataDir, 'outbox');
const env = { DATABASE_PATH: databasePath, OUTBOX_DIR: outboxDir, REQUESTS_PER_HOUR_PER_ADDRESS: '10000', REQUESTS_PER_HOUR_PER_EMAIL: '10000' };
let portal: RunningPortal;

beforeAll(async () => {
  portal = await startPortal(env);
});
afterAll(async () => {
  await portal?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;
const octal = (mode: number) => `0${mode.toString(8)}`;
/** The mode of every path, as octal text (a failure then names the file that is too open). */
const modes = (paths: string[]) => Object.fromEntries(paths.map((path) => [path, octal(modeOf(path))]));
const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const emlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => join(dir, name));

function submitRequest(email: string, locale = 'pl') {
  return sendRaw(portal.baseURL, 'POST', '/api/requests', { json: { type: 'access', locale, name: 'Ewa Nowak', email, declaration: true } });
}

function rowCount(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return Number(db.prepare(`select count(*) from ${table}`).pluck().get());
  } finally {
    db.close();
  }
}

/** A migrated portal database at `path` with a few consent records, as one self-contained file (no WAL beside it). */
async function portalDatabase(path: string, records = 3, change?: (client: Database.Database) => void): Promise<string> {
  const db = openDatabase(path);
  migrateDatabase(db);
  const store = sqliteStore(db);
  const now = Date.now();
  await store.transaction((tx) =>
    appendConsentRecords(
      tx,
      Array.from({ length: records }, (_, index) => consentDecision(`${'B'.repeat(18)}${String(index).padStart(4, '0')}`, now - records + index)),
    ),
  );
  change?.(db.$client);
  db.$client.pragma('journal_mode = DELETE');
  db.$client.close();
  return path;
}

/**
 * Runs `npm start`'s script on `environment` until it either exits (its code and output) or serves /healthz (then it
 * is stopped and the answer is `served`).
 */
async function startOutcome(environment: Record<string, string>): Promise<{ exitCode: number | null; served: boolean; output: string }> {
  const port = await freePort();
  const child = spawn(node, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, ...environment, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (healthy) {
      child.kill('SIGTERM');
      await exited;
      return { exitCode: null, served: true, output };
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  if (child.exitCode === null) child.kill('SIGKILL');
  return { exitCode: await exited, served: false, output };
}

describe('files holding personal data are the portal account’s own', () => {
  test('a fresh install: data folder and outbox 0700; database, WAL, SHM, the secret and every mail 0600', async () => {
    const email = 'ewa.files@example.pl';
    expect((await submitRequest(email)).status).toBe(201);
    await waitForMessageTo(outboxDir, email);
    const files = [databasePath, `${databasePath}-wal`, `${databasePath}-shm`, join(dataDir, 'portal-secret'), ...emlFiles(outboxDir)];
    for (const file of files) expect(existsSync(file), file).toBe(true);
    expect(modes([dataDir, outboxDir])).toEqual(Object.fromEntries([dataDir, outboxDir].map((path) => [path, '0700'])));
    expect(modes(files)).toEqual(Object.fromEntries(files.map((path) => [path, '0600'])));
  });

  test('an install made by an older version (files 0644, folders 0755) is tightened at start-up, and the log says so', async () => {
    const dir = join(scratch, 'old-install');
    const database = join(dir, 'portal.db');
    const outbox = join(dir, 'outbox');
    mkdirSync(outbox, { recursive: true });
    await portalDatabase(database);
    writeFileSync(join(dir, 'portal-secret'), 'an-old-secret-of-enough-length-for-the-portal-0123456789');
    writeFileSync(join(outbox, '2024-01-01T00-00-00-000Z-old.eml'), 'To: ewa@example.pl\n\nYour request\n');
    const files = [database, join(dir, 'portal-secret'), join(outbox, '2024-01-01T00-00-00-000Z-old.eml')];
    for (const path of files) chmodSync(path, 0o644);
    for (const path of [dir, outbox]) chmodSync(path, 0o755);

    const old = await startPortal({ ...env, DATABASE_PATH: database, OUTBOX_DIR: outbox });
    try {
      expect(modes([dir, outbox])).toEqual({ [dir]: '0700', [outbox]: '0700' });
      const now = [...files, `${database}-wal`, `${database}-shm`];
      expect(modes(now)).toEqual(Object.fromEntries(now.map((path) => [path, '0600'])));
      expect(old.output()).toContain(`${database}: was readable by others (0644), now 0600`);
      expect(old.output()).toContain(`${outbox}: was readable by others (0755), now 0700`);
    } finally {
      await old.stop();
    }
  });

  test('a backup, in a folder the operator made, is 0600 from its first byte: the partial file while it is written too', async () => {
    // Big enough that the backup's checks take a while, so its partial file can be seen before it is renamed.
    const dir = join(scratch, 'backup-source');
    mkdirSync(dir);
    const source = await portalDatabase(join(dir, 'portal.db'), 30_000);
    const backups = join(scratch, 'operator-backups');
    mkdirSync(backups, { mode: 0o755 });
    const seen = new Map<string, number>();
    const watcher = watch(backups, (_event, name) => {
      if (!name?.includes('.partial-')) return;
      try {
        seen.set(name, Math.max(seen.get(name) ?? 0, modeOf(join(backups, name))));
      } catch {
        // already renamed or removed
      }
    });
    const target = join(backups, 'portal-backup.db');
    try {
      const made = await runScriptAlongside('scripts/db-backup.ts', [target], { DATABASE_PATH: source });
      expect([made.status, made.stderr]).toEqual([0, '']);
    } finally {
      watcher.close();
    }
    expect(seen.size).toBeGreaterThan(0);
    expect(Object.fromEntries([...seen].map(([name, mode]) => [name, octal(mode)]))).toEqual(
      Object.fromEntries([...seen.keys()].map((name) => [name, '0600'])),
    );
    expect(modes([target])).toEqual({ [target]: '0600' });
    // The operator's folder is left as they made it.
    expect(modeOf(backups)).toBe(0o755);
  });

  test('a restored database, its new folder and the database it replaced are 0600 / 0700, even over an old 0644 install', async () => {
    const backup = await portalDatabase(join(scratch, 'restore-me.db'));
    chmodSync(backup, 0o644);
    const liveDir = join(scratch, 'restored', 'data');
    const live = join(liveDir, 'portal.db');
    const first = runScript('scripts/db-restore.ts', [backup], { DATABASE_PATH: live });
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(modes([join(scratch, 'restored'), liveDir, live])).toEqual({ [join(scratch, 'restored')]: '0700', [liveDir]: '0700', [live]: '0600' });

    // The live database as an older version left it, readable by others: the restore does not copy that mode.
    chmodSync(live, 0o644);
    const second = runScript('scripts/db-restore.ts', [backup], { DATABASE_PATH: live });
    expect([second.status, second.stderr]).toEqual([0, '']);
    const keptAside = readdirSync(liveDir)
      .filter((name) => name.startsWith('portal.db.before-restore-'))
      .map((name) => join(liveDir, name));
    expect(keptAside).toHaveLength(1);
    const results = [
      live,
      ...keptAside,
      ...readdirSync(liveDir)
        .filter((name) => name.startsWith('portal.db-'))
        .map((name) => join(liveDir, name)),
    ];
    expect(modes(results)).toEqual(Object.fromEntries(results.map((path) => [path, '0600'])));
  });
});

describe('the database’s protections are checked', () => {
  const dropDeleteGuard = (client: Database.Database) => client.exec('drop trigger consent_records_no_delete');
  const extraTrigger = (client: Database.Database) =>
    client.exec(
      "create trigger requests_copy_out after insert on requests begin insert into audit_events (occurred_at, actor, kind, detail) values (0, 'x', 'x', new.email); end",
    );
  const looseUpdateGuard = (client: Database.Database) =>
    client.exec(
      "drop trigger consent_records_no_update; create trigger consent_records_no_update before update on consent_records when 0 begin select raise(abort, 'consent records are append-only'); end",
    );

  test.each([
    ['a dropped append-only trigger', dropDeleteGuard, 'trigger consent_records_no_delete is missing'],
    ['an extra trigger', extraTrigger, 'trigger requests_copy_out is extra'],
    ['a trigger that no longer guards anything', looseUpdateGuard, 'trigger consent_records_no_update is changed'],
  ] as const)('db:restore refuses a backup with %s, naming it, and leaves the live database as it was', async (_case, tamper, message) => {
    const dir = mkdtempSync(join(scratch, 'restore-tampered-'));
    const live = await portalDatabase(join(dir, 'portal.db'), 5);
    const liveHash = fileHash(live);
    const backup = await portalDatabase(join(dir, 'tampered.db'), 2, tamper);
    const refused = runScript('scripts/db-restore.ts', [backup], { DATABASE_PATH: live });
    expect(refused.stderr).toContain(message);
    expect(refused.status).toBe(1);
    expect(fileHash(live)).toBe(liveHash);
    expect(readdirSync(dir).sort()).toEqual(['portal.db', 'tampered.db']);
    // The records stay undeletable.
    const db = new Database(live);
    try {
      expect(() => db.prepare('delete from consent_records').run()).toThrow('append-only');
    } finally {
      db.close();
    }
  });

  test('db:backup refuses to copy a database whose append-only trigger was dropped, and writes no backup', async () => {
    const dir = mkdtempSync(join(scratch, 'backup-tampered-'));
    const live = await portalDatabase(join(dir, 'portal.db'), 2, dropDeleteGuard);
    const target = join(dir, 'backup.db');
    const refused = runScript('scripts/db-backup.ts', [target], { DATABASE_PATH: live });
    expect(refused.stderr).toContain('trigger consent_records_no_delete is missing');
    expect(refused.status).toBe(1);
    expect(readdirSync(dir)).toEqual(['portal.db']);
  });

  test.each([
    ['a dropped append-only trigger', dropDeleteGuard, 'trigger consent_records_no_delete is missing'],
    ['an extra trigger', extraTrigger, 'trigger requests_copy_out is extra'],
  ] as const)('npm start refuses a live database with %s: the server exits 1 naming it, and serves nothing', async (_case, tamper, message) => {
    const dir = mkdtempSync(join(scratch, 'start-tampered-'));
    const live = await portalDatabase(join(dir, 'portal.db'), 2, tamper);
    const outcome = await startOutcome({ ...env, DATABASE_PATH: live, OUTBOX_DIR: join(dir, 'outbox') });
    expect(outcome.served, outcome.output).toBe(false);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain(message);
    // Start-up did not quietly put things back either: the operator decides (restore a backup).
    const db = new Database(live, { readonly: true });
    try {
      const triggers = db.prepare("select name from sqlite_master where type = 'trigger'").pluck().all();
      if (tamper === dropDeleteGuard) expect(triggers).not.toContain('consent_records_no_delete');
      else expect(triggers).toContain('requests_copy_out');
    } finally {
      db.close();
    }
  });
});

describe('look-alike addresses are refused after IDN decoding', () => {
  // ivan@exаmple.com with a Cyrillic а in the domain, in the ASCII (punycode) form a browser or a client sends.
  const lookAlike = 'ivan@exаmple.com';
  const lookAlikeAscii = 'ivan@xn--exmple-4nf.com';

  test('through the API, the punycode form is refused as a look-alike in the request’s language, and nothing is written or sent', async () => {
    const requests = rowCount(databasePath, 'requests');
    const refused = await submitRequest(lookAlikeAscii, 'pl');
    expect(refused.status).toBe(400);
    const fields = (JSON.parse(refused.body) as { error: { fields: Record<string, { problem: string; message: string }> } }).error.fields;
    expect(fields.email).toEqual({ problem: 'emailScripts', message: translate('pl')('requests.errors.emailScripts') });
    expect(rowCount(databasePath, 'requests')).toBe(requests);
    expect(await outboxMessagesTo(outboxDir, lookAlikeAscii)).toEqual([]);
    expect(await outboxMessagesTo(outboxDir, lookAlike)).toEqual([]);
  });

  test.skipIf(!hasBrowser).each(['el', 'pl'] as const)(
    'typed into the form in Chromium with JavaScript on (%s), it is refused beside the field',
    async (locale) => {
      const session = await launchBrowser();
      try {
        const context = await session.newContext({ baseURL: portal.baseURL, javaScriptEnabled: true });
        const page = await context.newPage();
        const requests = rowCount(databasePath, 'requests');
        await page.goto(`/${locale}/requests/new?type=access`);
        await page.fill('#field-name', 'Ivan Petrov');
        await page.fill('#field-email', lookAlike);
        await page.check('#field-declaration');
        const [sent] = await Promise.all([
          page.waitForRequest((request) => request.method() === 'POST'),
          page.getByRole('button', { name: translate(locale)('requests.form.submit') }).click(),
        ]);
        // What makes this an attack on the old check: the browser sends the domain as punycode, all ASCII.
        expect(new URLSearchParams(sent.postData() ?? '').get('email')).toBe(lookAlikeAscii);
        expect(await page.locator('#field-email-error').textContent({ timeout: 5000 })).toBe(translate(locale)('requests.errors.emailScripts'));
        expect(await page.locator('#field-email').getAttribute('aria-describedby')).toContain('field-email-error');
        expect(rowCount(databasePath, 'requests')).toBe(requests);
        expect(await outboxMessagesTo(outboxDir, lookAlike)).toEqual([]);
        await context.close();
      } finally {
        await session.close();
      }
    },
  );
});
