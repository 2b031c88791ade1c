// Starts one of the project's server scripts as a child process on a free loopback port and waits until it answers:
// shared by the browser tests and the benchmarks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const node = join(root, 'node_modules/.bin/node');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  baseURL: string;
  process: ChildProcess;
  /** Everything the process printed so far. */
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Runs `script` (relative to the project root) with PORT and HOST set (and what `envForPort` adds for the port it
 * got), and resolves once `readyPath` answers with
 * a status below 500; rejects with the process output if it exits or stays silent for 120 s.
 */
export async function startServerProcess(
  script: string,
  env: Record<string, string>,
  readyPath: string,
  envForPort: (port: number) => Record<string, string> = () => ({}),
): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(node, [join(root, script)], {
    cwd: root,
    env: { ...process.env, ...envForPort(port), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  };
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${script} did not answer ${readyPath} within 120 s:\n${output}`);
    }
    try {
      if ((await fetch(`${baseURL}${readyPath}`)).status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  return { baseURL, process: child, output: () => output, stop };
}

/**
 * Runs the release step `npm start` runs first (`npm run db:migrate`'s script) with `env`; returns what it printed,
 * or throws with it when it fails.
 */
export function migrateFor(env: Record<string, string>): string {
  const run = spawnSync(node, [join(root, 'scripts/db-migrate.ts')], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`scripts/db-migrate.ts exited with ${run.status}:\n${output}`);
  return output;
}
