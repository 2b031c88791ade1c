// `npm run bench:consent`: consent POSTs against the built portal and a bare node:http + better-sqlite3 insert in the
// same run. Prints throughput, latency and the ratio. Not a test: figures vary. `npm run bench` runs it among others.
import { benchConsentPost } from './consent-post.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const { portal, baseline } = await benchConsentPost({ connections, seconds });
const rows = [
  { server: 'node:http + better-sqlite3 insert', ...baseline },
  { server: 'portal POST /api/consent', ...portal },
].map((row) => ({ server: row.server, 'req/s': Math.round(row.requestsPerSecond), 'p50 ms': row.p50, 'p99 ms': row.p99, 'non-2xx': row.failures }));
console.log(`\nConsent POSTs, ${connections} connections, ${seconds} s each (warm-up excluded):`);
console.table(rows);
const ratio = portal.requestsPerSecond / baseline.requestsPerSecond;
console.log(`throughput ratio portal / baseline: ${ratio.toFixed(2)} (target ≥ 0.50); portal p99 ${portal.p99} ms (target < 20 ms)`);
if (portal.failures > 0) console.log(`WARNING: ${portal.failures} portal answers were not 2xx`);
