// The portal's Prometheus metrics (prom-client's default registry). Labels are bounded and never personal: a route
// pattern (`/[locale]/requests/[reference]`, never the URL a visitor asked for, which can hold a reference or a
// token), a status code, a site id from content/sites.json, a consent action, a request status.
//
// This module is loaded twice in the portal's process (by scripts/start.ts and inside Astro's build), so each metric
// is registered once and found again by name: both copies count into the same series.
import { Counter, Gauge, Histogram, register, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter(config);
}
function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram(config);
}

export const httpRequests = counter({
  name: 'portal_http_requests_total',
  help: 'HTTP requests answered, by route pattern, method and status.',
  labelNames: ['route', 'method', 'status'] as const,
});

export const httpRequestDuration = histogram({
  name: 'portal_http_request_duration_seconds',
  help: 'Time from a request arriving to its answer being sent, by route pattern and method.',
  labelNames: ['route', 'method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const consentDecisions = counter({
  name: 'portal_consent_decisions_total',
  help: 'Consent decisions recorded (committed to the chain), by site and action.',
  labelNames: ['site', 'action'] as const,
});

export const chainAppends = counter({
  name: 'portal_consent_chain_appends_total',
  help: 'Records appended to the consent chain.',
});

export const groupCommitSize = histogram({
  name: 'portal_consent_group_commit_size',
  help: 'Consent records committed together in one transaction (group commit).',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
});

/** Counts one committed group of consent records: the chain appends, the group's size, each decision. */
export function countCommittedDecisions(records: readonly { siteId: string; action: string }[]): void {
  if (records.length === 0) return;
  chainAppends.inc(records.length);
  groupCommitSize.observe(records.length);
  for (const record of records) consentDecisions.inc({ site: record.siteId, action: record.action });
}

/**
 * The gauge of data-subject requests by status, read from the database when Prometheus scrapes (a count kept in
 * memory would be one instance's view; the database is every instance's).
 */
export function watchDpoRequests(countByStatus: () => Promise<Readonly<Record<string, number>>>): void {
  const name = 'portal_dpo_requests';
  if (register.getSingleMetric(name)) register.removeSingleMetric(name);
  const config: GaugeConfiguration<'status'> = {
    name,
    help: 'Data-subject requests in the database, by status.',
    labelNames: ['status'] as const,
    async collect() {
      const counts = await countByStatus();
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  };
  new Gauge(config);
}

/** The scrape: every metric in Prometheus's text format. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
