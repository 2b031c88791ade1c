import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runningServers, swapInBuild } from '../../scripts/support/portal-build.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portal-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('swapInBuild()', () => {
  test('puts the new build where the old one was and removes the old one', () => {
    const target = join(scratch, 'dist');
    const next = join(scratch, 'dist.next-1');
    mkdirSync(join(target, 'server'), { recursive: true });
    writeFileSync(join(target, 'server/entry.mjs'), 'old');
    mkdirSync(join(next, 'server'), { recursive: true });
    writeFileSync(join(next, 'server/entry.mjs'), 'new');
    swapInBuild(next, target);
    expect(readFileSync(join(target, 'server/entry.mjs'), 'utf8')).toBe('new');
    expect(readdirSync(scratch).sort()).toEqual(['dist']);
  });
});

describe('runningServers()', () => {
  test('names a live server of the checkout, and forgets one whose process is gone or is no portal server', async () => {
    const dir = join(scratch, 'serving');
    mkdirSync(dir);
    // A live process whose command line names start.ts, as a portal server's does.
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'scripts/start.ts'], { stdio: 'ignore' });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    await new Promise((wait) => setTimeout(wait, 200));
    try {
      const gone = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
      for (const pid of [server.pid, other.pid, gone]) writeFileSync(join(dir, String(pid)), `${pid}\n`);
      expect(runningServers(dir)).toEqual([server.pid]);
      expect(existsSync(join(dir, String(gone)))).toBe(false);
      expect(existsSync(join(dir, String(other.pid)))).toBe(false);
    } finally {
      server.kill();
      other.kill();
    }
  });
});
