import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migratedStore, onPostgres, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { loadDpoEmail, seedLoadDatabase, type LoadSeedSummary } from '../../scripts/support/load-seed.ts';
import { node, root } from '../../scripts/support/server-process.ts';
import { consentIdSchema, findChainBreak } from '../../src/lib/consent.ts';
import { allConsentRecords } from '../../src/lib/consent.repo.ts';
import { deadlineFor, firstDeadline, localDate } from '../../src/lib/deadline.ts';
import { inboxCounts, inboxPage } from '../../src/lib/inbox.repo.ts';
import { buildSubjectExport } from '../../src/lib/subject-export.ts';
import { readOrganisation } from '../../scripts/support/content.ts';

const organisation = readOrganisation();
const now = Date.parse('2026-11-20T10:00:00Z');
let store: TestStore;
let db: Executor;
let summary: LoadSeedSummary;

beforeAll(async () => {
  store = await migratedStore();
  db = store.db;
  summary = await seedLoadDatabase(store, { requests: 3_000, consentRecords: 20_000, heavySubjects: 8, recordsPerHeavySubject: 400, now });
}, 180_000);
afterAll(() => store.close());

const all = <T>(sql: string, ...params: unknown[]) => store.rows<T>(sql, ...params);

describe('the load database', () => {
  test('holds a consent chain that verifies end to end, with valid consent ids', async () => {
    const check = await findChainBreak(allConsentRecords(db));
    expect(check).toEqual({ checked: 20_000, erased: 0 });
    const ids = await all<{ consent_id: string }>('select distinct consent_id from consent_records');
    expect(ids.length).toBe(summary.consentIds);
    expect(ids.every((row) => consentIdSchema.safeParse(row.consent_id).success)).toBe(true);
  });

  test('mixes every type, locale and status, each request with its received event and its deadline', async () => {
    const values = async (column: string) => (await all<{ value: string }>(`select distinct ${column} as value from requests`)).map((row) => row.value).sort();
    expect(await values('type')).toEqual(['access', 'erasure', 'objection', 'portability', 'rectification', 'restriction']);
    expect(await values('locale')).toEqual(['bg', 'el', 'nl', 'pl']);
    expect(await values('status')).toEqual(['completed', 'in-progress', 'received', 'rejected', 'verified']);
    const firstEvents = await all<{ kind: string }>(
      'select (select kind from request_events e where e.request_id = r.id order by e.id limit 1) as kind from requests r',
    );
    expect(firstEvents.every((row) => row.kind === 'received')).toBe(true);
    const rows = await all<{ received_at: number; due_on: string; due_at: number; extension_days: number | null }>(
      'select received_at, due_on, due_at, extension_days from requests',
    );
    expect(
      rows.every(
        (row) =>
          deadlineFor(row.received_at, organisation.timeZone).dueOn ===
          firstDeadline({ dueOn: row.due_on, extensionDays: row.extension_days }, organisation.timeZone).dueOn,
      ),
    ).toBe(true);
    expect(rows.some((row) => row.extension_days !== null)).toBe(true);
    const received = rows.map((row) => row.received_at).sort((a, b) => a - b);
    expect(now - (received[0] as number)).toBeGreaterThan(700 * 24 * 3600_000);
    expect(summary.requestExports).toBeGreaterThan(0);
  });

  test('gives the inbox a backlog and the export bench subjects with many consent records', async () => {
    const counts = await inboxCounts(db, localDate(now, organisation.timeZone));
    expect(counts.open + counts.completed + counts.rejected).toBe(3_000);
    expect(counts.overdue).toBeGreaterThan(0);
    expect((await inboxPage(db, {}, localDate(now, organisation.timeZone))).rows).toHaveLength(25);
    const [heavy] = await all<{ email: string; consent_id: string; records: number }>(
      `select email, consent_id, (select count(*) from consent_records c where c.consent_id = r.consent_id) as records
         from requests r where status = 'in-progress' and type = 'access' and consent_id is not null order by records desc limit 1`,
    );
    expect(heavy?.records).toBeGreaterThan(200);
    const document = await buildSubjectExport(db, { email: heavy?.email ?? '', organisation, portalOrigin: 'http://localhost', now });
    expect(document.consentRecords).toHaveLength(heavy?.records ?? 0);
    expect(document.requests.length).toBeGreaterThanOrEqual(2);
    expect(await all<{ email: string }>('select email from dpo_users')).toEqual([{ email: loadDpoEmail }]);
  });
});

// The script on a SQLite file; on PostgreSQL it refuses a database that holds data (its tables cannot be emptied).
describe.skipIf(onPostgres)('npm run db:seed-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const seedLoad = (path: string, ...args: string[]) =>
    spawnSync(
      node,
      [
        join(root, 'scripts/db-seed-load.ts'),
        '--requests',
        '200',
        '--consent-records',
        '500',
        '--heavy-subjects',
        '2',
        '--records-per-heavy-subject',
        '50',
        ...args,
      ],
      {
        cwd: root,
        env: { ...process.env, DATABASE_PATH: path },
        encoding: 'utf8',
      },
    );

  test('seeds a new database, refuses one that holds data, and replaces it only with --force', () => {
    const path = join(dir, 'load.db');
    const first = seedLoad(path);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/200 requests .* 500 consent records/);
    const refused = seedLoad(path);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already holds data');
    const forced = seedLoad(path, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('select count(*) from requests').pluck().get()).toBe(200);
    expect(check.prepare('select count(*) from consent_records').pluck().get()).toBe(500);
    check.close();
  }, 60_000);
});
