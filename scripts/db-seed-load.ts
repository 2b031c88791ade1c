// `npm run db:seed-load [-- --requests 100000 --consent-records 1000000 --force]`: fills a NEW database
// (DATABASE_PATH, or the PostgreSQL database DATABASE_URL names) with made-up load: requests with their audit trails, a hash-chained million consent records (some
// subjects with many), and a DPO account whose password nobody knows. For benchmarks only; it refuses a database that
// already holds anything unless --force, which deletes that database first.
import { existsSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { count } from 'drizzle-orm';
import { openMigratedStore, openSqliteStore, storeName } from '../db/connection.ts';
import type { Store } from '../db/store.ts';
import { consentRecords, dpoUsers, marketingSubscriptions, requests } from '../db/tables.ts';
import { seedLoadDatabase } from './support/load-seed.ts';
import { environmentOrExit } from './support/cli.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    'consent-records': { type: 'string', default: '1000000' },
    'heavy-subjects': { type: 'string', default: '300' },
    'records-per-heavy-subject': { type: 'string', default: '1000' },
    force: { type: 'boolean', default: false },
  },
});
const whole = (name: string, value: string | undefined) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 50_000_000) {
    console.error(`--${name} must be a whole number from 0 to 50,000,000 (not "${value}").`);
    process.exit(1);
  }
  return number;
};
const options = {
  requests: whole('requests', values.requests),
  consentRecords: whole('consent-records', values['consent-records']),
  heavySubjects: whole('heavy-subjects', values['heavy-subjects']),
  recordsPerHeavySubject: whole('records-per-heavy-subject', values['records-per-heavy-subject']),
};
const environment = environmentOrExit();
const path = storeName(environment);
const store = environment.DATABASE_URL ? await emptyPostgresStore() : sqliteFileStore(environment.DATABASE_PATH);

/** PostgreSQL: migrated, and refused when it holds anything (the portal's tables cannot be emptied: they are append-only). */
async function emptyPostgresStore(): Promise<Store> {
  const opened = await openMigratedStore(environment);
  const held = await opened.read(async (db) => {
    let rows = 0;
    for (const table of [requests, consentRecords, dpoUsers, marketingSubscriptions]) rows += (await db.select({ n: count() }).from(table))[0]?.n ?? 0;
    return rows;
  });
  if (held > 0) {
    await opened.close();
    console.error(`${path} already holds data. Seed a new, empty database (its tables are append-only: --force cannot empty them).`);
    process.exit(1);
  }
  return opened;
}

function sqliteFileStore(file: string): Store {
  if (file === ':memory:') {
    console.error('DATABASE_PATH must name a file for a load database.');
    process.exit(1);
  }
  if (existsSync(file) && statSync(file).size > 0) {
    if (!values.force && rowsIn(file) > 0) {
      console.error(`${file} already holds data. Seed a new path (DATABASE_PATH=/tmp/load.db), or add --force to DELETE this database and seed it anew.`);
      process.exit(1);
    }
    for (const name of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(name, { force: true });
  }
  return openSqliteStore(file, { migrate: true });
}

/** Rows a database already holds that a load seed must not mix with. */
function rowsIn(file: string): number {
  const client = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(client.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    return ['requests', 'consent_records', 'dpo_users', 'marketing_subscriptions']
      .filter((table) => tables.has(table))
      .reduce((sum, table) => sum + Number(client.prepare(`select count(*) from ${table}`).pluck().get()), 0);
  } finally {
    client.close();
  }
}

console.log(`Seeding ${path}: ${options.requests.toLocaleString('en')} requests, ${options.consentRecords.toLocaleString('en')} consent records…`);
const summary = await seedLoadDatabase(store, { ...options, now: Date.now(), log: (line) => console.log(line) });
await store.close();
console.log(
  `Done in ${summary.seconds.total.toFixed(1)} s: ${summary.requests.toLocaleString('en')} requests (${summary.requestEvents.toLocaleString('en')} events, ` +
    `${summary.requestExports.toLocaleString('en')} exports), ${summary.consentRecords.toLocaleString('en')} consent records over ${summary.consentIds.toLocaleString('en')} consent ids, ` +
    `DPO account ${summary.dpoEmail} (no known password: npm run dpo:create-user -- --email ${summary.dpoEmail} --reset sets one).`,
);
