// `npm run bench [-- --quick] [-- --seconds 10 --connections 50 --samples 200 --database PATH]`
// One table, each figure next to its baseline from the same run:
//   - a policy page through the portal vs a plain node:http server answering the same HTML bytes (throughput);
//   - consent POSTs vs a bare node:http + better-sqlite3 insert (throughput);
//   - the DPO inbox's first page, signed in, on the load database vs the same src/lib queries run in-process
//     (time to the last byte, one request at a time);
//   - completing an access request, which builds and stores the subject's JSON export, vs building that export
//     in-process (same subjects, the ones with the most consent records).
// The portal runs as `npm start` runs it (scripts/start.ts, which builds first when the build is missing or stale), on
// a copy of the load database (.bench/load.db, made by `npm run db:seed-load` the first time). Not a test: figures
// depend on the machine and on whatever else runs on it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../../db/connection.ts';
import { localDate } from '../../src/lib/deadline.ts';
import { allDpoUsers, startSession } from '../../src/lib/dpo.repo.ts';
import { openByWeekDue } from '../../src/lib/inbox-chart.ts';
import { inboxCounts, inboxPage, openDueDates } from '../../src/lib/inbox.repo.ts';
import { buildSubjectExport } from '../../src/lib/subject-export.ts';
import { projectRoot, readOrganisation } from '../support/content.ts';
import { loadDpoEmail } from '../support/load-seed.ts';
import { buildPortalIfStale } from '../support/portal-build.ts';
import { migrateFor, node, startServerProcess } from '../support/server-process.ts';
import { benchConsentPost } from './consent-post.ts';
import { measureLatency, measureThroughput, timedFetch, type Latency, type Throughput } from './measure.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    samples: { type: 'string' },
    database: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const positive = (name: string, value: string | undefined, fallback: number) => {
  const number = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive whole number`);
  return number;
};
const seconds = positive('seconds', values.seconds, quick ? 2 : 10);
const connections = positive('connections', values.connections, 50);
const samples = positive('samples', values.samples, quick ? 20 : 200);
const warmUp = quick ? 5 : 20;
const seed = quick
  ? { requests: 5_000, consentRecords: 50_000, heavySubjects: 40, recordsPerHeavySubject: 500 }
  : { requests: 100_000, consentRecords: 1_000_000, heavySubjects: 300, recordsPerHeavySubject: 1_000 };
const source = values.database ?? join(projectRoot, '.bench', quick ? 'load-quick.db' : 'load.db');
const organisation = readOrganisation();

if (!existsSync(source)) {
  if (values.database) throw new Error(`${source} does not exist; make it with DATABASE_PATH=${source} npm run db:seed-load`);
  console.log(`No load database at ${source} yet: seeding it once (npm run db:seed-load).`);
  mkdirSync(dirname(source), { recursive: true });
  execFileSync(
    node,
    [
      join(projectRoot, 'scripts/db-seed-load.ts'),
      '--requests',
      String(seed.requests),
      '--consent-records',
      String(seed.consentRecords),
      '--heavy-subjects',
      String(seed.heavySubjects),
      '--records-per-heavy-subject',
      String(seed.recordsPerHeavySubject),
    ],
    { cwd: projectRoot, env: { ...process.env, DATABASE_PATH: source }, stdio: 'inherit' },
  );
}

buildPortalIfStale();

// The export bench completes requests, so every run works on a copy.
const dir = mkdtempSync(join(tmpdir(), 'portal-bench-load-'));
const database = join(dir, 'load.db');
copyFileSync(source, database);
if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${database}-wal`);

interface Row {
  what: string;
  portal: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean;
}
const rows: Row[] = [];
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const load = (result: Throughput) =>
  `${Math.round(result.requestsPerSecond).toLocaleString('en')} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}${result.failures ? `, ${result.failures} failed` : ''}`;
const timing = (result: Latency) => `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}`;

const startedAt = Date.now();
const load1 = loadavg()[0] ?? 0;
migrateFor({ DATABASE_PATH: database, OUTBOX_DIR: join(dir, 'outbox') });
const portal = await startServerProcess('scripts/start.ts', { DATABASE_PATH: database, OUTBOX_DIR: join(dir, 'outbox') }, '/healthz');
let staticServer: Awaited<ReturnType<typeof startServerProcess>> | undefined;
try {
  const store = openSqliteStore(database);
  const client = store.handle.$client;
  const counts = client.prepare('select (select count(*) from requests) as requests, (select max(id) from consent_records) as records').get() as {
    requests: number;
    records: number | null;
  };
  const size = `${counts.requests.toLocaleString('en')} requests, ${(counts.records ?? 0).toLocaleString('en')} consent records`;

  // --- A policy page vs the same bytes from a plain static server. ---
  const policyPath = '/nl/policies/privacy-notice';
  const html = await (await fetch(`${portal.baseURL}${policyPath}`)).arrayBuffer();
  writeFileSync(join(dir, 'policy.html'), Buffer.from(html));
  staticServer = await startServerProcess('scripts/bench/baseline-static-server.ts', { BENCH_HTML_PATH: join(dir, 'policy.html') }, '/');
  const get = (url: string, time: number) => measureThroughput({ url, connections, seconds: time });
  const policyWarmUp = Math.max(1, Math.round(seconds / 3));
  await get(`${staticServer.baseURL}${policyPath}`, policyWarmUp);
  await get(`${portal.baseURL}${policyPath}`, policyWarmUp);
  const plain = await get(`${staticServer.baseURL}${policyPath}`, seconds);
  const page = await get(`${portal.baseURL}${policyPath}`, seconds);
  await staticServer.stop();
  const policyRatio = page.requestsPerSecond / plain.requestsPerSecond;
  rows.push({
    what: `Policy page GET ${policyPath} (${(html.byteLength / 1024).toFixed(0)} KB), ${connections} connections`,
    portal: load(page),
    baseline: `static node:http, same bytes: ${load(plain)}`,
    ratio: `${policyRatio.toFixed(2)} of static`,
    target: '≥ 0.80',
    pass: policyRatio >= 0.8 && page.failures === 0,
  });

  // --- The DPO inbox, signed in with a real session cookie. ---
  const users = await store.read((db) => allDpoUsers(db));
  const user = users.find((candidate) => candidate.email === loadDpoEmail) ?? users[0];
  if (!user) throw new Error(`${source} has no DPO account; seed it with npm run db:seed-load`);
  const cookie = `portal_dpo=${(await startSession(store, user.id, Date.now())).token}`;
  const today = localDate(Date.now(), organisation.timeZone);
  const inboxQueries = await measureLatency(
    () =>
      store.read(async (db) => {
        await inboxPage(db, {}, today);
        await inboxCounts(db, today);
        openByWeekDue(await openDueDates(db), today);
      }),
    samples,
    warmUp,
  );
  const inbox = await measureLatency(() => timedFetch(`${portal.baseURL}/dpo`, { headers: { cookie } }, 200), samples, warmUp);
  rows.push({
    what: `DPO inbox GET /dpo, first page (${size}), one at a time`,
    portal: timing(inbox),
    baseline: `its queries in-process: ${timing(inboxQueries)}`,
    ratio: `${(inbox.p50 / inboxQueries.p50).toFixed(1)}× queries`,
    target: 'p50 < 50 ms',
    pass: inbox.p50 < 50,
  });

  // --- The subject export: completing access requests of the subjects with the most consent records. ---
  const subjects = client
    .prepare(
      `select r.reference, r.email, r.consent_id as consentId,
              (select count(*) from consent_records c where c.consent_id = r.consent_id) as records
         from requests r
        where r.status = 'in-progress' and r.type in ('access', 'portability') and r.consent_id_linked_by is not null
        order by records desc, r.id limit ?`,
    )
    .all(samples + warmUp) as { reference: string; email: string; consentId: string; records: number }[];
  if (subjects.length < 2) throw new Error(`${source} has too few access requests in progress for the export bench`);
  const exportSamples = Math.min(samples, subjects.length - Math.min(warmUp, Math.floor(subjects.length / 4)));
  const exportWarmUp = Math.min(subjects.length - exportSamples, warmUp);
  const subjectAt = (index: number) => subjects[index] as (typeof subjects)[number];
  const exportBuild = await measureLatency(
    async (index) => {
      const subject = subjectAt(index);
      JSON.stringify(
        await store.read((db) => buildSubjectExport(db, { email: subject.email, organisation, portalOrigin: portal.baseURL, now: Date.now() })),
        null,
        2,
      );
    },
    exportSamples,
    exportWarmUp,
  );
  const completion = await measureLatency(
    (index) =>
      timedFetch(
        `${portal.baseURL}/dpo/requests/${subjectAt(index).reference}`,
        {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ action: 'complete', message: 'Your data is in the attached export.' }).toString(),
        },
        303,
      ),
    exportSamples,
    exportWarmUp,
  );
  // The export really holds every record: check the last one stored.
  const last = subjectAt(exportWarmUp + exportSamples - 1);
  const stored = client
    .prepare('select e.content from request_exports e join requests r on r.id = e.request_id where r.reference = ?')
    .pluck()
    .get(last.reference) as string | undefined;
  const storedRecords = stored ? (JSON.parse(stored) as { consentRecords: unknown[] }).consentRecords.length : 0;
  if (storedRecords !== last.records) throw new Error(`the export of ${last.reference} holds ${storedRecords} consent records, not ${last.records}`);
  const measured = subjects
    .slice(exportWarmUp, exportWarmUp + exportSamples)
    .map((subject) => subject.records)
    .sort((a, b) => a - b);
  rows.push({
    what: `Subject JSON export: DPO completes an access request (POST, export built and stored; ${measured[Math.floor(measured.length / 2)]?.toLocaleString('en')} consent records median), one at a time`,
    portal: timing(completion),
    baseline: `export built in-process: ${timing(exportBuild)}`,
    ratio: `${(completion.p50 / exportBuild.p50).toFixed(1)}× build`,
    target: 'p50 < 300 ms',
    pass: completion.p50 < 300,
  });
  await store.close();
} finally {
  await staticServer?.stop();
  await portal.stop();
  rmSync(dir, { recursive: true, force: true });
}

// --- Consent POSTs: a fresh database for both, as `npm run bench:consent`. ---
const consent = await benchConsentPost({ connections, seconds });
const consentRatio = consent.portal.requestsPerSecond / consent.baseline.requestsPerSecond;
rows.splice(1, 0, {
  what: `Consent POST /api/consent, ${connections} connections`,
  portal: load(consent.portal),
  baseline: `node:http + better-sqlite3 insert: ${load(consent.baseline)}`,
  ratio: `${consentRatio.toFixed(2)} of bare`,
  target: '≥ 0.50, p99 < 20 ms',
  pass: consentRatio >= 0.5 && consent.portal.p99 < 20 && consent.portal.failures === 0,
});

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `\nMachine: ${availableParallelism()} cores (${cpu}), Node ${process.versions.node}, load average ${load1.toFixed(2)} at start; ` +
    `${seconds} s per load run, ${samples} sequential samples after ${warmUp} warm-up${quick ? ' (--quick: small database, short runs)' : ''}; ${Math.round((Date.now() - startedAt) / 1000)} s in all.\n`,
);
const columns = ['what', 'portal', 'baseline', 'ratio', 'target', 'result'] as const;
const cells = rows.map((row) => ({ ...row, result: row.pass ? 'pass' : 'FAIL' }));
const widths = columns.map((column) => Math.max(column.length, ...cells.map((cell) => String(cell[column]).length)));
const line = (values: readonly string[]) => `| ${values.map((value, index) => value.padEnd(widths[index] as number)).join(' | ')} |`;
console.log(line(columns));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const cell of cells) console.log(line(columns.map((column) => String(cell[column]))));
