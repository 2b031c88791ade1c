// `npm run bench [-- --quick] [-- --seconds 10 --connections 50 --samples 200 --rounds 5 --database PATH]`
// One table, each figure next to its baseline from the same run, the two measured in alternating rounds (baseline,
// portal, baseline, portal…) and compared by the median of the rounds' ratios, with their spread:
//   - a policy page through the portal vs a plain node:http server answering the same HTML bytes (throughput);
//   - consent POSTs vs a bare node:http + better-sqlite3 insert, and on PostgreSQL (BENCH_POSTGRES_URL, else this
//     machine's server; a fresh database per run, dropped after) with one and two instances vs a bare `pg` insert;
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
import { consentRows } from './consent-rows.ts';
import { measureLatency, measureThroughput, timedFetch } from './measure.ts';
import { alternatingRounds, medianLatency, medianThroughput, shownRatio } from './rounds.ts';
import { printTable, type Row, shownLoad, shownTiming } from './table.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    samples: { type: 'string' },
    rounds: { type: 'string' },
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
const rounds = positive('rounds', values.rounds, 5);
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

const rows: Row[] = [];
const result = (pass: boolean): Row['result'] => (pass ? 'pass' : 'FAIL');

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
  const plainServer = await startServerProcess('scripts/bench/baseline-static-server.ts', { BENCH_HTML_PATH: join(dir, 'policy.html') }, '/');
  staticServer = plainServer;
  const get = (url: string, time: number) => measureThroughput({ url, connections, seconds: time });
  const policyWarmUp = Math.max(1, Math.round(seconds / 3));
  await get(`${plainServer.baseURL}${policyPath}`, policyWarmUp);
  await get(`${portal.baseURL}${policyPath}`, policyWarmUp);
  const policyRounds = await alternatingRounds({
    rounds,
    baseline: () => get(`${plainServer.baseURL}${policyPath}`, seconds),
    portal: () => get(`${portal.baseURL}${policyPath}`, seconds),
    ratio: (ours, plain) => ours.requestsPerSecond / plain.requestsPerSecond,
  });
  await plainServer.stop();
  const page = medianThroughput(policyRounds.pairs.map((pair) => pair.portal));
  rows.push({
    what: `Policy page GET ${policyPath} (${(html.byteLength / 1024).toFixed(0)} KB), ${connections} connections`,
    portal: shownLoad(page),
    baseline: `static node:http, same bytes: ${shownLoad(medianThroughput(policyRounds.pairs.map((pair) => pair.baseline)))}`,
    ratio: `${shownRatio(policyRounds.ratio, rounds)} of static`,
    target: '≥ 0.80',
    result: result(policyRounds.ratio.median >= 0.8 && page.failures === 0),
  });

  // --- The DPO inbox, signed in with a real session cookie. ---
  const users = await store.read((db) => allDpoUsers(db));
  const user = users.find((candidate) => candidate.email === loadDpoEmail) ?? users[0];
  if (!user) throw new Error(`${source} has no DPO account; seed it with npm run db:seed-load`);
  const cookie = `portal_dpo=${(await startSession(store, user.id, Date.now())).token}`;
  const today = localDate(Date.now(), organisation.timeZone);
  const inboxQueries = () =>
    store.read(async (db) => {
      await inboxPage(db, {}, today);
      await inboxCounts(db, today);
      openByWeekDue(await openDueDates(db), today);
    });
  const inboxPageFetch = () => timedFetch(`${portal.baseURL}/dpo`, { headers: { cookie } }, 200);
  const inboxRounds = await alternatingRounds({
    rounds,
    baseline: (round) => measureLatency(inboxQueries, samples, round === 0 ? warmUp : 0),
    portal: (round) => measureLatency(inboxPageFetch, samples, round === 0 ? warmUp : 0),
    ratio: (ours, queries) => ours.p50 / queries.p50,
  });
  const inbox = medianLatency(inboxRounds.pairs.map((pair) => pair.portal));
  rows.push({
    what: `DPO inbox GET /dpo, first page (${size}), one at a time`,
    portal: shownTiming(inbox),
    baseline: `its queries in-process: ${shownTiming(medianLatency(inboxRounds.pairs.map((pair) => pair.baseline)))}`,
    ratio: `${shownRatio(inboxRounds.ratio, rounds, 1)} × queries`,
    target: 'p50 < 50 ms',
    result: result(inbox.p50 < 50),
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
  // Completing a request uses it up: each round takes its own subjects, the build in-process the same ones.
  const perRound = Math.max(1, Math.floor(exportSamples / rounds));
  const exportRounds = Math.min(rounds, exportSamples);
  const subjectAt = (index: number) => subjects[index] as (typeof subjects)[number];
  const buildExport = async (index: number) => {
    const subject = subjectAt(index);
    JSON.stringify(
      await store.read((db) => buildSubjectExport(db, { email: subject.email, organisation, portalOrigin: portal.baseURL, now: Date.now() })),
      null,
      2,
    );
  };
  const completeRequest = (index: number) =>
    timedFetch(
      `${portal.baseURL}/dpo/requests/${subjectAt(index).reference}`,
      {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'complete', message: 'Your data is in the attached export.' }).toString(),
      },
      303,
    );
  for (let index = 0; index < exportWarmUp; index += 1) await buildExport(index);
  for (let index = 0; index < exportWarmUp; index += 1) await completeRequest(index);
  const firstOf = (round: number) => exportWarmUp + round * perRound;
  const exportRoundsRun = await alternatingRounds({
    rounds: exportRounds,
    baseline: (round) => measureLatency((index) => buildExport(firstOf(round) + index), perRound, 0),
    portal: (round) => measureLatency((index) => completeRequest(firstOf(round) + index), perRound, 0),
    ratio: (ours, build) => ours.p50 / build.p50,
  });
  const completion = medianLatency(exportRoundsRun.pairs.map((pair) => pair.portal));
  // The export really holds every record: check the last one stored.
  const last = subjectAt(firstOf(exportRounds) - 1);
  const stored = client
    .prepare('select e.content from request_exports e join requests r on r.id = e.request_id where r.reference = ?')
    .pluck()
    .get(last.reference) as string | undefined;
  const storedRecords = stored ? (JSON.parse(stored) as { consentRecords: unknown[] }).consentRecords.length : 0;
  if (storedRecords !== last.records) throw new Error(`the export of ${last.reference} holds ${storedRecords} consent records, not ${last.records}`);
  const measured = subjects
    .slice(exportWarmUp, firstOf(exportRounds))
    .map((subject) => subject.records)
    .sort((a, b) => a - b);
  rows.push({
    what: `Subject JSON export: DPO completes an access request (POST, export built and stored; ${measured[Math.floor(measured.length / 2)]?.toLocaleString('en')} consent records median), one at a time`,
    portal: shownTiming(completion),
    baseline: `export built in-process: ${shownTiming(medianLatency(exportRoundsRun.pairs.map((pair) => pair.baseline)))}`,
    ratio: `${shownRatio(exportRoundsRun.ratio, exportRounds, 1)} × build`,
    target: 'p50 < 300 ms',
    result: result(completion.p50 < 300),
  });
  await store.close();
} finally {
  await staticServer?.stop();
  await portal.stop();
  rmSync(dir, { recursive: true, force: true });
}

// --- Consent POSTs: fresh databases for portal and baseline, on SQLite and on PostgreSQL. ---
rows.splice(1, 0, ...(await consentRows({ connections, seconds, rounds })));

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `\nMachine: ${availableParallelism()} cores (${cpu}), Node ${process.versions.node}, load average ${load1.toFixed(2)} at start; ` +
    `${rounds} alternating rounds of ${seconds} s per load run and of ${samples} sequential samples (after ${warmUp} warm-up)${quick ? ' (--quick: small database, short runs)' : ''}; ${Math.round((Date.now() - startedAt) / 1000)} s in all.\n`,
);
printTable(rows);
