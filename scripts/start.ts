// `npm start`: builds when the sources are newer than the build, applies migrations, records the policy texts,
// then serves the portal (PORT, HOST) with its data in DATABASE_PATH.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { readEnvironment } from '../src/lib/environment.ts';
import { organisationSchema } from '../src/lib/organisation.ts';
import { buildCatalog, todayIn } from '../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../src/lib/policy-source.ts';
import { publishPolicyTexts } from '../src/lib/policy.repo.ts';

const root = resolve(import.meta.dirname, '..');
const entry = join(root, 'dist/server/entry.mjs');
const sources = ['src', 'content', 'locales', 'db', 'public', 'astro.config.mjs', 'package.json'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

function buildIsStale(): boolean {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  return sources.some((source) => existsSync(join(root, source)) && newestChange(join(root, source)) > built);
}

const environment = readEnvironment(process.env);

if (buildIsStale()) {
  console.log('Building the portal…');
  execFileSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
}

const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(root, 'content/organisation.json'), 'utf8')));
const texts = readPolicyTexts(join(root, 'content/policies'));
buildCatalog(texts);

const db = openDatabase(environment.DATABASE_PATH);
migrateDatabase(db, join(root, 'db/migrations'));
const published = publishPolicyTexts(db, texts, todayIn(organisation.timeZone));
db.$client.close();
console.log(
  `Database ${environment.DATABASE_PATH}: migrations applied; ${texts.length} policy texts (${published.recorded} new, ${published.updated} updated).`,
);

process.env.HOST = environment.HOST;
process.env.PORT = String(environment.PORT);
await import(entry);
