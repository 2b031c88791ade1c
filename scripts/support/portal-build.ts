// The portal's build (dist/), remade when any source is newer: what `npm start` and `npm run bench` run first. A
// build never happens under a running server of this checkout: the new build is made aside (dist.next-<pid>) and
// swapped in by rename only while no server runs; while one does, a stale build is refused with a message.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../../src/lib/log.ts';
import { projectRoot } from './content.ts';

export const distDir = join(projectRoot, 'dist');
export const serverEntry = join(distDir, 'server/entry.mjs');
/** One file per serving process of this checkout, named by its pid. */
export const servingDir = join(projectRoot, '.serving');
const sources = ['src', 'content', 'locales', 'db', 'public', 'astro.config.mjs', 'package.json'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

export function buildIsStale(entry: string = serverEntry): boolean {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  return sources.some((source) => existsSync(join(projectRoot, source)) && newestChange(join(projectRoot, source)) > built);
}

/** Whether `pid` is a live portal server (on Linux its command line must name start.ts, so a reused pid is not). */
function isServing(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start.ts');
  } catch {
    return true; // no /proc: trust the pid
  }
}

/** The pids of the servers of this checkout that are running; files of servers that are gone are removed. */
export function runningServers(dir: string = servingDir): number[] {
  if (!existsSync(dir)) return [];
  const live: number[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && isServing(pid)) live.push(pid);
    else if (Number.isInteger(pid) && pid !== process.pid) rmSync(join(dir, name), { force: true });
  }
  return live;
}

/** Marks this process as a running server of this checkout until it exits. */
export function registerServer(dir: string = servingDir): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(process.pid));
  writeFileSync(file, `${process.pid}\n`);
  process.once('exit', () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  });
}

/** Puts the finished build `next` in place of `target` by renames (the old build is removed after). */
export function swapInBuild(next: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(next, target);
  rmSync(old, { recursive: true, force: true });
}

/** The refusal when servers of this checkout run: a stale build cannot be replaced under them. */
function refusalWhileServing(pids: number[]): string {
  return (
    `The build in dist/ is older than the sources, and ${pids.length === 1 ? 'a portal server of this checkout is' : 'portal servers of this checkout are'} running (pid ${pids.join(', ')}): ` +
    'a build is never replaced under a running server. Stop it (SIGTERM) and start again, or build and run the new version from another checkout.'
  );
}

/** Builds into `dist.next-<pid>` and swaps it in when the build is stale; throws the refusal while a server runs. */
export function buildPortalIfStale(): void {
  if (!buildIsStale()) return;
  const serving = runningServers();
  if (serving.length > 0) throw new Error(refusalWhileServing(serving));
  const next = `${distDir}.next-${process.pid}`;
  log.info('Building the portal aside.', { into: next });
  try {
    execFileSync(process.execPath, [join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent', '--outDir', next], {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    // A server may have started while this one built.
    const startedMeanwhile = runningServers();
    if (startedMeanwhile.length > 0) throw new Error(refusalWhileServing(startedMeanwhile));
    swapInBuild(next, distDir);
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
  log.info('New build in place.', { dist: distDir });
}
