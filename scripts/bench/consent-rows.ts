// The consent POST rows of `npm run bench` and `npm run bench:consent`: the portal against a bare insert on SQLite,
// and on PostgreSQL with one and with two instances behind a round-robin proxy. Without a PostgreSQL server the
// PostgreSQL rows say so, and the SQLite row is measured all the same.
import { postgresServerUrl, postgresUnavailable } from '../support/postgres-server.ts';
import { benchConsentPost, type ConsentBenchOptions, type ConsentStore } from './consent-post.ts';
import { medianThroughput, shownRatio } from './rounds.ts';
import { type Row, shownLoad } from './table.ts';

export async function consentRows(options: ConsentBenchOptions): Promise<Row[]> {
  const connections = `${options.connections} connections`;
  const rows: Row[] = [];
  const measure = async (store: ConsentStore, what: string, baseline: string, target: { ratio: number; p99?: number }) => {
    try {
      const rounds = await benchConsentPost(store, options);
      const portal = medianThroughput(rounds.pairs.map((pair) => pair.portal));
      const bare = medianThroughput(rounds.pairs.map((pair) => pair.baseline));
      rows.push({
        what,
        portal: shownLoad(portal),
        baseline: `${baseline}: ${shownLoad(bare)}`,
        ratio: `${shownRatio(rounds.ratio, options.rounds)} of bare`,
        target: `≥ ${target.ratio.toFixed(2)}${target.p99 ? `, p99 < ${target.p99} ms` : ''}`,
        result: rounds.ratio.median >= target.ratio && (target.p99 === undefined || portal.p99 < target.p99) && portal.failures === 0 ? 'pass' : 'FAIL',
      });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      rows.push({ what, portal: `could not be measured: ${reason}`, baseline, ratio: '', target: '', result: 'FAIL' });
    }
  };

  await measure({ kind: 'sqlite' }, `Consent POST /api/consent, SQLite, ${connections}`, 'node:http + better-sqlite3 insert', { ratio: 0.5, p99: 20 });

  const serverUrl = postgresServerUrl();
  const unavailable = await postgresUnavailable(serverUrl);
  for (const instances of [1, 2]) {
    const what = `Consent POST /api/consent, PostgreSQL, ${instances === 1 ? 'one instance' : `${instances} instances behind a round-robin proxy`}, ${connections}`;
    const baseline = instances === 1 ? 'node:http + pg insert' : `${instances} × node:http + pg insert behind the same proxy`;
    if (unavailable) rows.push({ what, portal: `not run: ${unavailable}; set BENCH_POSTGRES_URL`, baseline, ratio: '', target: '', result: 'not run' });
    else await measure({ kind: 'postgres', serverUrl, instances }, what, baseline, { ratio: 0.5 });
  }
  return rows;
}
