// Consent POSTs against the built portal and, in the same run, against a bare node:http + better-sqlite3 server doing
// the same insert (baseline-consent-server.ts), each with a fresh database: `npm run bench:consent` and `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateFor, startServerProcess } from '../support/server-process.ts';
import { measureThroughput, type Throughput } from './measure.ts';

function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

export async function benchConsentPost(options: { connections: number; seconds: number }): Promise<{ portal: Throughput; baseline: Throughput }> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
  // All decisions come from this one client: its budget of decisions (CONSENT_DECISIONS_PER_*) is set out of reach, so
  // the portal still counts every decision against it and the figures include that cost, but refuses none.
  const unlimited = { CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '1000000000', CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: '1000000000' };
  migrateFor({ DATABASE_PATH: join(dir, 'portal.db'), OUTBOX_DIR: join(dir, 'outbox') });
  const portal = await startServerProcess(
    'scripts/start.ts',
    { DATABASE_PATH: join(dir, 'portal.db'), OUTBOX_DIR: join(dir, 'outbox'), ...unlimited },
    '/healthz',
  );
  const baseline = await startServerProcess('scripts/bench/baseline-consent-server.ts', { DATABASE_PATH: join(dir, 'baseline.db') }, '/');
  try {
    const config = (await (await fetch(`${portal.baseURL}/api/consent/config?site=demo&lang=pl`)).json()) as { revision: string };
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
    // Warm both up, then measure the baseline and the portal one after the other.
    const warmUp = Math.max(1, Math.round(options.seconds / 3));
    await post(`${baseline.baseURL}/`, warmUp);
    await post(`${portal.baseURL}/api/consent`, warmUp);
    const bare = await post(`${baseline.baseURL}/`, options.seconds);
    const ours = await post(`${portal.baseURL}/api/consent`, options.seconds);
    return { portal: ours, baseline: bare };
  } finally {
    await portal.stop();
    await baseline.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
