import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../scripts/support/server-process.ts';
import { baseURL as sharedPortal } from './browser.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from './portal.ts';
import { bannerRevision, postAccessRequest, postRefusal } from './write-load.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const token = 'metrics-token-for-the-tests-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'portal-metrics-'));
let portal: RunningPortal;
let database: TestStoreEnvironment;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  database = await testStoreEnvironment(dir);
  portal = await startPortal({
    ...database.env,
    OUTBOX_DIR: join(dir, 'outbox'),
    METRICS_TOKEN: token,
    METRICS_PORT: String(metricsPort),
    ...consentBudgetsLifted,
  });
});
afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async () => {
  const answer = await fetch(`${portal.baseURL}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return answer.text();
};

/**
 * A scrape once `ready` holds for it, polled for up to two seconds: an answer is counted when node:http reports it
 * flushed ('finish'), which on a loaded machine can come after the client has read it and sent the scrape. Returns the
 * last scrape either way, so the assertions that follow still fail on a series that never appears.
 */
async function scrapeWhen(ready: (text: string) => boolean): Promise<string> {
  const until = Date.now() + 2_000;
  let text = await scrape();
  while (!ready(text) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    text = await scrape();
  }
  return text;
}

/** The value of one series (`name{labels}`) in a scrape, or undefined when it is not there. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test('is not public: 404 on a portal without METRICS_TOKEN, 401 without or with a wrong token', async () => {
    expect((await fetch(`${sharedPortal}/metrics`)).status).toBe(404);
    expect((await fetch(`${portal.baseURL}/metrics`)).status).toBe(401);
    expect((await fetch(`${portal.baseURL}/metrics`, { headers: { Authorization: `Bearer ${token.slice(0, -1)}x` } })).status).toBe(401);
  });

  test('after consent POSTs and a request: requests by route and status, latencies, decisions by site and action, chain appends, group commits, DPO requests by status', async () => {
    const revision = await bannerRevision(portal.baseURL);
    const decisions = await Promise.all(Array.from({ length: 12 }, () => postRefusal(portal.baseURL, revision)));
    for (const decision of decisions) expect(typeof decision).toBe('string');
    expect(typeof (await postAccessRequest(portal.baseURL))).toBe('string');
    expect((await fetch(`${portal.baseURL}/nl/policies/privacy-notice`)).status).toBe(200);

    const text = await scrapeWhen(
      (scraped) =>
        value(scraped, 'portal_http_requests_total{route="/[locale]/policies/[document]",method="GET",status="200"}') === 1 &&
        value(scraped, 'portal_http_requests_total{route="/api/requests",method="POST",status="201"}') === 1 &&
        value(scraped, 'portal_http_requests_total{route="/api/consent",method="POST",status="201"}') === 12,
    );
    expect(value(text, 'portal_http_requests_total{route="/api/consent",method="POST",status="201"}')).toBe(12);
    expect(value(text, 'portal_http_requests_total{route="/api/requests",method="POST",status="201"}')).toBe(1);
    expect(value(text, 'portal_http_requests_total{route="/[locale]/policies/[document]",method="GET",status="200"}')).toBe(1);
    expect(value(text, 'portal_http_request_duration_seconds_count{route="/api/consent",method="POST"}')).toBe(12);
    expect(value(text, 'portal_http_request_duration_seconds_bucket{le="+Inf",route="/api/consent",method="POST"}')).toBe(12);
    expect(value(text, 'portal_consent_decisions_total{site="demo",action="reject-all"}')).toBe(12);
    expect(value(text, 'portal_consent_chain_appends_total')).toBe(12);
    // Twelve decisions sent together are committed in fewer transactions than twelve.
    expect(value(text, 'portal_consent_group_commit_size_sum')).toBe(12);
    expect(value(text, 'portal_consent_group_commit_size_count')).toBeLessThan(12);
    expect(value(text, 'portal_dpo_requests{status="received"}')).toBe(1);
    expect(value(text, 'portal_dpo_requests{status="completed"}')).toBe(0);
  });

  test('labels name route patterns, never a visitor’s URL: no reference or token in any series', async () => {
    const reference = 'DSR-2026-7KQ4M2';
    const secret = 'a-secret-status-token-0123456789';
    expect((await fetch(`${portal.baseURL}/pl/requests/${reference}?token=${secret}`)).status).toBe(404);
    expect((await fetch(`${portal.baseURL}/api/requests/${reference}?token=${secret}`)).status).toBe(404);
    const text = await scrapeWhen((scraped) => value(scraped, 'portal_http_requests_total{route="/api/requests/[reference]",method="GET",status="404"}') === 1);
    expect(value(text, 'portal_http_requests_total{route="/[locale]/requests/[reference]",method="GET",status="404"}')).toBe(1);
    expect(value(text, 'portal_http_requests_total{route="/api/requests/[reference]",method="GET",status="404"}')).toBe(1);
    expect(text).not.toContain(reference);
    expect(text).not.toContain(secret);
  });

  test('the loopback METRICS_PORT listener answers the scrape without a token, and nothing else', async () => {
    const answer = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('portal_consent_chain_appends_total 12');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/nl/`)).status).toBe(404);
  });
});
