// Consent POSTs against the built portal and, in the same run and in alternating rounds, against a bare node:http
// server doing one insert per POST into the same table, each with a fresh database: on SQLite (better-sqlite3), and on
// PostgreSQL (`pg`) with one instance or several behind a round-robin proxy (the baseline then as many bare servers
// behind the same proxy, so the ratio leaves the proxy's own cost out). `npm run bench:consent` and `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, postgresPortalSecrets, type ScratchDatabase } from '../support/postgres-server.ts';
import { migrateFor, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { measureThroughput, type Throughput } from './measure.ts';
import { alternatingRounds, type Rounds } from './rounds.ts';

export interface ConsentBenchOptions {
  connections: number;
  /** Each measured run; the warm-up of each server is a third of it. */
  seconds: number;
  rounds: number;
}

export type ConsentStore = { kind: 'sqlite' } | { kind: 'postgres'; serverUrl: string; instances: number };

// All decisions come from this one client: its budget of decisions (CONSENT_DECISIONS_PER_*) is set out of reach, so
// the portal still counts every decision against it and the figures include that cost, but refuses none.
const unlimited = { CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '1000000000', CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: '1000000000' };

function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

/** Portal and baseline, started on fresh databases of `store`, with what stops them and removes their data. */
interface Servers {
  portalUrl: string;
  baselineUrl: string;
  stop(): Promise<void>;
}

export async function benchConsentPost(store: ConsentStore, options: ConsentBenchOptions): Promise<Rounds<Throughput>> {
  const servers = store.kind === 'sqlite' ? await sqliteServers() : await postgresServers(store.serverUrl, store.instances);
  try {
    const config = (await (await fetch(`${servers.portalUrl}/api/consent/config?site=demo&lang=pl`)).json()) as { revision: string };
    const post = (url: string, seconds: number) =>
      measureThroughput({
        url,
        connections: options.connections,
        seconds,
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'http://localhost:4322' },
        body: () =>
          JSON.stringify({
            site: 'demo',
            consentId: randomId(),
            action: 'reject-all',
            source: 'banner',
            locale: 'pl',
            revision: config.revision,
            bannerVersion: '1',
            choices: { preferences: false, analytics: false, marketing: false },
          }),
      });
    const warmUp = Math.max(1, Math.round(options.seconds / 3));
    await post(`${servers.baselineUrl}/`, warmUp);
    await post(`${servers.portalUrl}/api/consent`, warmUp);
    return await alternatingRounds({
      rounds: options.rounds,
      baseline: () => post(`${servers.baselineUrl}/`, options.seconds),
      portal: () => post(`${servers.portalUrl}/api/consent`, options.seconds),
      ratio: (portal, baseline) => portal.requestsPerSecond / baseline.requestsPerSecond,
    });
  } finally {
    await servers.stop();
  }
}

async function sqliteServers(): Promise<Servers> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
  const env = { DATABASE_PATH: join(dir, 'portal.db'), OUTBOX_DIR: join(dir, 'outbox') };
  const started: ServerProcess[] = [];
  const stop = async () => {
    for (const server of started) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    migrateFor(env);
    const portal = await startServerProcess('scripts/start.ts', { ...env, ...unlimited }, '/healthz');
    started.push(portal);
    const baseline = await startServerProcess('scripts/bench/baseline-consent-server.ts', { DATABASE_PATH: join(dir, 'baseline.db') }, '/');
    started.push(baseline);
    return { portalUrl: portal.baseURL, baselineUrl: baseline.baseURL, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function postgresServers(serverUrl: string, instances: number): Promise<Servers> {
  const databases: ScratchDatabase[] = [];
  const started: ServerProcess[] = [];
  const stop = async () => {
    for (const server of started.reverse()) await server.stop();
    for (const database of databases) await database.drop();
  };
  try {
    const portalDatabase = await createScratchDatabase(serverUrl, 'portal_bench');
    databases.push(portalDatabase);
    const baselineDatabase = await createScratchDatabase(serverUrl, 'portal_bench_baseline');
    databases.push(baselineDatabase);
    // Several instances refuse the local outbox; consent POSTs send no mail, so an SMTP server that is never reached will do.
    const env = { DATABASE_URL: portalDatabase.url, SMTP_URL: 'smtp://127.0.0.1:9', ...postgresPortalSecrets(), ...unlimited };
    migrateFor(env);
    const portals: ServerProcess[] = [];
    const baselines: ServerProcess[] = [];
    for (let index = 0; index < instances; index += 1) {
      portals.push(await startServerProcess('scripts/start.ts', env, '/healthz'));
      started.push(portals.at(-1) as ServerProcess);
      baselines.push(await startServerProcess('scripts/bench/baseline-consent-server-postgres.ts', { DATABASE_URL: baselineDatabase.url }, '/'));
      started.push(baselines.at(-1) as ServerProcess);
    }
    if (instances === 1) return { portalUrl: portals[0]?.baseURL as string, baselineUrl: baselines[0]?.baseURL as string, stop };
    // Each proxy in a process of its own, as a load balancer would be: not in the event loop of the load generator.
    const proxy = async (upstreams: ServerProcess[], readyPath: string) => {
      const running = await startServerProcess(
        'scripts/support/round-robin-proxy-server.ts',
        { PROXY_UPSTREAMS: upstreams.map((one) => one.baseURL).join(',') },
        readyPath,
      );
      started.push(running);
      return running.baseURL;
    };
    return { portalUrl: await proxy(portals, '/healthz'), baselineUrl: await proxy(baselines, '/'), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
