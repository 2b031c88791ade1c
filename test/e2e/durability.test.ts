import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { consentBudgetsLifted, startPortal, type RunningPortal } from './portal.ts';
import { runScript } from './scripts.ts';
import { bannerRevision, keepPosting, postRefusal, until } from './write-load.ts';

const portals: RunningPortal[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const portal of portals.splice(0)) await portal.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a crash', () => {
  test('SIGKILL under consent load loses no answered decision; the restarted portal has them all, a sound file and an intact chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-kill-'));
    dirs.push(dir);
    const env = { DATABASE_PATH: join(dir, 'portal.db'), OUTBOX_DIR: join(dir, 'outbox'), ...consentBudgetsLifted };
    const portal = await startPortal(env);
    portals.push(portal);
    const revision = await bannerRevision(portal.baseURL);

    const load = keepPosting(() => postRefusal(portal.baseURL, revision), 20);
    await until(() => load.answered.length >= 500, '500 answered decisions');
    const exit = new Promise<NodeJS.Signals | null>((resolve) => portal.process.once('exit', (_code, signal) => resolve(signal)));
    const killedAt = performance.now();
    // The node process serving the portal itself (startPortal spawns it directly, no npm or shell in between).
    portal.process.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    await load.stop();

    // It died mid-load: decisions were answered up to the kill, 20 were always under way, and the load ran into the
    // dead server (whether the last answers were still in the kernel's buffers at the kill is down to timing).
    expect(load.answered.filter((write) => write.answeredAt < killedAt).length).toBeGreaterThanOrEqual(500);
    expect(load.unanswered.length).toBeGreaterThan(0);
    expect(load.refused).toEqual([]);

    const restarted = await startPortal(env);
    portals.push(restarted);
    expect((await fetch(`${restarted.baseURL}/healthz`)).status).toBe(200);
    const after = await postRefusal(restarted.baseURL, revision);
    expect(after).toEqual(expect.any(String));

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(db.prepare('select consent_id from consent_records').pluck().all() as string[]);
      const lost = load.answered.filter((write) => !stored.has(write.id));
      expect(lost.length, `of ${load.answered.length} answered decisions, missing after the crash`).toBe(0);
      expect(stored.has(after as string)).toBe(true);
    } finally {
      db.close();
    }
    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const verified = Number(/intact: (\d+) records/.exec(verify.stdout)?.[1]);
    expect(verified).toBeGreaterThan(load.answered.length);
  });
});
