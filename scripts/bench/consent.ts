// `npm run bench:consent`: consent POSTs against the built portal and, in the same run, against a bare node:http +
// better-sqlite3 server doing the same insert. Prints throughput, latency and the ratio. Not a test: figures vary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startServerProcess } from '../support/server-process.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'portal-bench-'));

function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

async function run(name: string, url: string, revision: string) {
  const result = await autocannon({
    url,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'http://localhost:4322' },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ site: 'demo', consentId: randomId(), action: 'reject-all', source: 'banner', locale: 'pl', revision, bannerVersion: '1', choices: { preferences: false, analytics: false, marketing: false } }),
        }),
      },
    ],
  });
  const non2xx = result.non2xx + result.errors;
  return { name, requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx };
}

const portal = await startServerProcess('scripts/start.ts', { DATABASE_PATH: join(dir, 'portal.db'), OUTBOX_DIR: join(dir, 'outbox') }, '/healthz');
const baseline = await startServerProcess('scripts/bench/baseline-consent-server.ts', { DATABASE_PATH: join(dir, 'baseline.db') }, '/');
try {
  const config = (await (await fetch(`${portal.baseURL}/api/consent/config?site=demo&lang=pl`)).json()) as { revision: string };
  // Warm both up, then measure baseline and portal alternately.
  await run('warm-up', `${baseline.baseURL}/`, config.revision);
  await run('warm-up', `${portal.baseURL}/api/consent`, config.revision);
  const bare = await run('node:http + better-sqlite3 insert', `${baseline.baseURL}/`, config.revision);
  const ours = await run('portal POST /api/consent', `${portal.baseURL}/api/consent`, config.revision);
  const rows = [bare, ours].map((row) => ({ server: row.name, 'req/s': Math.round(row.requestsPerSecond), 'p50 ms': row.p50, 'p99 ms': row.p99, 'non-2xx': row.non2xx }));
  console.log(`\nConsent POSTs, ${connections} connections, ${duration} s each (warm-up excluded):`);
  console.table(rows);
  const ratio = ours.requestsPerSecond / bare.requestsPerSecond;
  console.log(`throughput ratio portal / baseline: ${ratio.toFixed(2)} (target ≥ 0.50); portal p99 ${ours.p99} ms (target < 20 ms)`);
  if (ours.non2xx > 0) console.log(`WARNING: ${ours.non2xx} portal answers were not 2xx`);
} finally {
  await portal.stop();
  await baseline.stop();
  rmSync(dir, { recursive: true, force: true });
}
