import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { postgresPortalSecrets } from '../../scripts/support/postgres-server.ts';
import { type RoundRobinProxy, startRoundRobinProxy } from '../../scripts/support/round-robin-proxy.ts';
import { freePort } from '../../scripts/support/server-process.ts';
import { databaseForThisTest, postgresReachable } from '../support/postgres.ts';
import { startTestSmtp, type TestSmtpServer } from './mail.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from './portal.ts';
import { runScript } from './scripts.ts';
import { bannerRevision, keepPosting, postRefusal, until } from './write-load.ts';

const reachable = await postgresReachable();
const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

const portals: RunningPortal[] = [];
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
  for (const portal of portals.splice(0)) await portal.stop();
});

describe.skipIf(!reachable)('two instances on one PostgreSQL database behind a round-robin proxy', () => {
  test('SIGKILL of one under consent load: every decision answered 201 is stored, the chain verifies and never forks, and the only other answers are 502s at the kill', async () => {
    const database = await databaseForThisTest();
    const dir = mkdtempSync(join(tmpdir(), 'portal-instances-'));
    closing.push(async () => rmSync(dir, { recursive: true, force: true }));
    // Several instances share no outbox folder: their mail goes to an SMTP server.
    const smtp: TestSmtpServer = await startTestSmtp();
    closing.push(() => smtp.close());
    const proxyPort = await freePort();
    const env = {
      DATABASE_URL: database.url,
      ...postgresPortalSecrets(),
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      OUTBOX_DIR: join(dir, 'outbox'),
      ANCHORS_PATH: join(dir, 'consent-anchors.jsonl'),
      // The visitors' origin is the proxy's, as a load balancer's would be.
      PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
      ...consentBudgetsLifted,
    };
    // Each start runs `npm run db:migrate`'s script first: the first migrates the fresh database, the second finds it current.
    for (let index = 0; index < 2; index += 1) portals.push(await startPortal(env));
    const [victim, survivor] = portals as [RunningPortal, RunningPortal];
    const proxy: RoundRobinProxy = await startRoundRobinProxy({ upstreams: [victim.baseURL, survivor.baseURL], port: proxyPort });
    closing.push(() => proxy.close());
    const revision = await bannerRevision(proxy.url);

    // Visitors deciding through the proxy; an answer other than 201 is kept with when it came.
    const otherAnswers: { status: number; sentAt: number; answeredAt: number }[] = [];
    const load = keepPosting(async () => {
      const sentAt = performance.now();
      const outcome = await postRefusal(proxy.url, revision);
      if (typeof outcome === 'number') otherAnswers.push({ status: outcome, sentAt, answeredAt: performance.now() });
      return outcome;
    }, 12);
    await sleep(1500);
    await until(() => load.answered.length >= 100 && proxy.counts.answeredBy.every((count) => count > 0), '100 decisions answered, by both instances');

    const exit = new Promise<NodeJS.Signals | null>((resolve) => victim.process.once('exit', (_code, signal) => resolve(signal)));
    const killedAt = performance.now();
    // The node process serving the portal itself (startPortal spawns it directly, no npm or shell in between).
    victim.process.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    const answeredBeforeKill = load.answered.filter((write) => write.answeredAt < killedAt).length;
    await sleep(1000);
    await load.stop();

    const answeredAfterKill = load.answered.filter((write) => write.sentAt > killedAt + 100).length;
    const badGateways = otherAnswers.filter((answer) => answer.status === 502);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let stored: { consent_id: string; previous_hash: string }[];
    try {
      stored = (await client.query<{ consent_id: string; previous_hash: string }>('select consent_id, previous_hash from consent_records order by id')).rows;
    } finally {
      await client.end();
    }
    const storedIds = new Set(stored.map((row) => row.consent_id));
    console.info(
      `Two instances, one killed: ${load.answered.length} decisions answered 201 (${answeredBeforeKill} before the kill, ${answeredAfterKill} sent after it), ` +
        `${badGateways.length} answered 502, ${otherAnswers.length - badGateways.length} other answers, ${load.unanswered.length} unanswered; ` +
        `${stored.length} records stored (${stored.length - load.answered.length} beyond those answered 201); proxy: ${JSON.stringify(proxy.counts)}.`,
    );

    // Both instances served before the kill; the survivor alone served the visitors who came after it.
    expect(answeredBeforeKill).toBeGreaterThanOrEqual(100);
    expect(answeredAfterKill).toBeGreaterThan(0);
    // Every decision answered 201 is stored, whichever instance answered it.
    const lost = load.answered.filter((write) => !storedIds.has(write.id));
    expect(lost.length, `of ${load.answered.length} decisions answered 201, missing from the database`).toBe(0);
    // A 502 may or may not have been stored (the client retries): so at most those are stored beyond the 201s.
    expect(stored.length).toBeGreaterThanOrEqual(load.answered.length);
    expect(stored.length).toBeLessThanOrEqual(load.answered.length + badGateways.length + load.unanswered.length);
    // The only answers that were not 201 are 502s of decisions under way on the killed instance, right at the kill.
    expect(otherAnswers.map((answer) => answer.status).filter((status) => status !== 502)).toEqual([]);
    for (const answer of badGateways) expect(answer.answeredAt - killedAt, 'a 502 long after the kill').toBeLessThan(1000);
    for (const answer of badGateways) expect(answer.answeredAt).toBeGreaterThanOrEqual(killedAt);
    for (const write of load.unanswered) expect(Math.abs(write.sentAt - killedAt), 'a request left unanswered away from the kill').toBeLessThan(1000);

    // Never a fork: no two records follow the same one.
    const followers = new Map<string, number>();
    for (const row of stored) followers.set(row.previous_hash, (followers.get(row.previous_hash) ?? 0) + 1);
    expect([...followers.values()].filter((count) => count > 1)).toEqual([]);
    // And the chain verifies from its first record to its last.
    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(Number(/intact: (\d+) records/.exec(verify.stdout)?.[1])).toBe(stored.length);

    // The survivor goes on answering through the proxy.
    expect(await postRefusal(proxy.url, revision)).toEqual(expect.any(String));
  });
});
