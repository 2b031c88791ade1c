import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createTranslator, type Translate } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { node, root } from '../../scripts/support/server-process.ts';
import { readMessages } from '../../scripts/support/content.ts';

const dataDir = inject('dataDir');
const storeEnv = inject('storeEnv');

const scriptOptions = (env: Record<string, string>) => ({
  cwd: root,
  env: { ...process.env, ...storeEnv, OUTBOX_DIR: join(dataDir, 'outbox'), ...env },
});

/** Runs one of the project's npm scripts (by its file) against the test portal's database and outbox, unless `env` names others. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(node, [join(root, script), ...args], { ...scriptOptions(env), encoding: 'utf8' });
}

/** Like runScript, without blocking: the test's own requests keep going while the script runs. */
export function runScriptAlongside(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(root, script), ...args], { ...scriptOptions(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The UI strings of a locale, as a test reads what a page or an email should say. */
export function translate(locale: Locale): Translate {
  return createTranslator(locale, readMessages(locale));
}
