import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, describe, expect, test } from 'vitest';
import { migrationLockPath } from '../../db/migration-lock.ts';
import { serverEntry } from '../../scripts/support/portal-build.ts';
import { node, root } from '../../scripts/support/server-process.ts';
import { startPortal } from './portal.ts';
import { runScript, runScriptAlongside } from './scripts.ts';
import { onPostgres, storeMigrations, testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portal-release-'));
const databases: TestStoreEnvironment[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(scratch, { recursive: true, force: true });
});
const committed = readMigrationFiles({ migrationsFolder: storeMigrations.folder }).length;

/** A folder and a database nothing has touched yet. */
const fresh = async (name: string) => {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  const database = await testStoreEnvironment(dir);
  databases.push(database);
  return { dir, database, env: { ...database.env, OUTBOX_DIR: join(dir, 'outbox') } };
};
const appliedMigrations = (database: TestStoreEnvironment) => database.sql.value<number>(`select count(*) from ${storeMigrations.table}`);

describe('npm run db:migrate', () => {
  test('migrates a fresh database, and says so; a second run finds it current and changes nothing', async () => {
    const { database, env } = await fresh('fresh');
    const first = runScript('scripts/db-migrate.ts', [], env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${committed} migrations applied`);
    expect(await appliedMigrations(database)).toBe(committed);
    const again = runScript('scripts/db-migrate.ts', [], env);
    expect(again.stdout).toContain('already current');
    expect(await appliedMigrations(database)).toBe(committed);
  });

  test('two instances started together: both succeed, one after the other, and each migration is applied once', async () => {
    const { database, env } = await fresh('together');
    const runs = await Promise.all([runScriptAlongside('scripts/db-migrate.ts', [], env), runScriptAlongside('scripts/db-migrate.ts', [], env)]);
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    expect(runs.map((run) => run.stdout.includes('already current')).sort()).toEqual([false, true]);
    expect(await appliedMigrations(database)).toBe(committed);
  });

  // The lock file beside a SQLite database; on PostgreSQL the lock is an advisory one (the test above shows it serialises).
  test.skipIf(onPostgres)('waits while another live process holds the lock, and takes over a lock whose holder is gone', async () => {
    const { dir, env } = await fresh('lock');
    const lock = migrationLockPath(join(dir, 'portal.db'));
    writeFileSync(lock, `${process.pid}\n`);
    const started = performance.now();
    const waiting = runScriptAlongside('scripts/db-migrate.ts', [], env);
    await new Promise((wait) => setTimeout(wait, 1500));
    expect(readdirSync(dir)).not.toContain('portal.db');
    rmSync(lock);
    expect((await waiting).status).toBe(0);
    expect(performance.now() - started).toBeGreaterThan(1500);

    const gone = spawnSync(node, ['-e', 'process.pid'], { encoding: 'utf8' }).pid;
    const other = await fresh('stale');
    writeFileSync(migrationLockPath(join(other.dir, 'portal.db')), `${gone}\n`);
    const run = runScript('scripts/db-migrate.ts', [], other.env);
    expect(run.status, run.stderr).toBe(0);
    expect(await appliedMigrations(other.database)).toBe(committed);
    expect(readdirSync(other.dir)).not.toContain('portal.db-migrate.lock');
  });
});

describe('start-up only checks the database', () => {
  test('npm start on a database that is not migrated refuses, naming npm run db:migrate, and creates no tables', async () => {
    const { database, env } = await fresh('unmigrated');
    const start = spawnSync(node, [join(root, 'scripts/start.ts')], {
      cwd: root,
      env: { ...process.env, ...env, PORT: '1', HOST: '127.0.0.1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(start.status, start.stdout).toBe(1);
    expect(start.stdout).toContain('run npm run db:migrate');
    expect(await database.sql.tableNames()).toEqual([]);
  });
});

describe('/healthz and /readyz', () => {
  test('ready while current; a newer version migrating the database makes it 503 with the reason, while /healthz stays 200', async () => {
    const { database, env } = await fresh('ready');
    const portal = await startPortal(env);
    try {
      const ready = await fetch(`${portal.baseURL}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get('cache-control')).toBe('no-store');
      expect(await ready.json()).toEqual({ status: 'ready' });

      // What a rolling release does under an old instance: the next version's migration lands in the database.
      await database.sql.run(`insert into ${storeMigrations.table} (hash, created_at) values (?, ?)`, 'next-version', Date.now() + 86_400_000);
      const notReady = await fetch(`${portal.baseURL}/readyz`);
      expect(notReady.status).toBe(503);
      expect(notReady.headers.get('cache-control')).toBe('no-store');
      const body = (await notReady.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      // Worded by each store's migration check (SQLite's names the newer version, PostgreSQL's the migration it lacks).
      expect(body.reason).toMatch(/migrated by a newer version|records a migration made at \d+ that this version does not have/);

      const alive = await fetch(`${portal.baseURL}/healthz`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });
    } finally {
      await portal.stop();
    }
  });
});

describe('npm start never rebuilds dist/ under a running server', () => {
  test('a second npm start that finds the build stale refuses, naming the running server, and the running portal keeps answering', async () => {
    const { env } = await fresh('stale-build');
    const portal = await startPortal(env);
    const source = join(root, 'astro.config.mjs');
    const { atime, mtime } = statSync(source);
    const built = statSync(serverEntry).mtimeMs;
    let answering = true;
    const unanswered: number[] = [];
    const probe = (async () => {
      while (answering) {
        const status = await fetch(`${portal.baseURL}/nl/consent`).then(
          (answer) => answer.status,
          () => 0,
        );
        if (status !== 200) unanswered.push(status);
        await new Promise((wait) => setTimeout(wait, 20));
      }
    })();
    try {
      // A source changed after the build (a git pull on the server): the build is stale.
      utimesSync(source, atime, new Date());
      const second = await new Promise<{ status: number | null; output: string }>((resolve) => {
        const child = spawn(node, [join(root, 'scripts/start.ts')], {
          cwd: root,
          env: { ...process.env, ...env, PORT: '1', HOST: '127.0.0.1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('close', (status) => resolve({ status, output }));
      });
      expect(second.status, second.output).toBe(1);
      expect(second.output).toContain('is older than the sources');
      expect(second.output).toContain(String(portal.process.pid));
      expect(statSync(serverEntry).mtimeMs).toBe(built);
      expect(readdirSync(root).filter((name) => name.startsWith('dist.'))).toEqual([]);
    } finally {
      utimesSync(source, atime, mtime);
      answering = false;
      await probe;
      await portal.stop();
    }
    expect(unanswered).toEqual([]);
  });
});
