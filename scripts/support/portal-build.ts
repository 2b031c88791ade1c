// The portal's build (dist/), remade when any source is newer: what `npm start` and `npm run bench` run first.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './content.ts';

export const serverEntry = join(projectRoot, 'dist/server/entry.mjs');
const sources = ['src', 'content', 'locales', 'db', 'public', 'astro.config.mjs', 'package.json'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

function buildIsStale(): boolean {
  if (!existsSync(serverEntry)) return true;
  const built = statSync(serverEntry).mtimeMs;
  return sources.some((source) => existsSync(join(projectRoot, source)) && newestChange(join(projectRoot, source)) > built);
}

export function buildPortalIfStale(): void {
  if (!buildIsStale()) return;
  console.log('Building the portal…');
  execFileSync(process.execPath, [join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
}
