import { spawn, type ChildProcess } from 'node:child_process';
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

export interface RunningPortal {
  baseURL: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the built portal the way `npm start` does, with its own environment, and waits for /healthz. */
export async function startPortal(env: Record<string, string>): Promise<RunningPortal> {
  const port = await freePort();
  let output = '';
  const child = spawn(node, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`The portal did not answer within 90 s:\n${output}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  return {
    baseURL,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

/** Builds the portal (banner included) once. */
export function buildPortal(): Promise<void> {
  return new Promise<void>((done, fail) => {
    const build = spawn(node, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    build.once('exit', (code) => (code === 0 ? done() : fail(new Error(`astro build exited with ${code}`))));
  });
}
