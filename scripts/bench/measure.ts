// The two ways the benchmarks measure: throughput under concurrent load (autocannon), and the time of one request at
// a time (sequential samples after a warm-up, their median and 99th percentile).
import autocannon from 'autocannon';

export interface Throughput {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx/3xx, and connection errors. */
  failures: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A new body for every request. */
  body?: () => string;
}

export async function measureThroughput(options: LoadOptions): Promise<Throughput> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body ? { requests: [{ setupRequest: (request) => ({ ...request, body: (options.body as () => string)() }) }] } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/** The p-th percentile (0–100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Runs `once` `warmUp` times unmeasured, then `samples` times one after the other, timing each in milliseconds. */
export async function measureLatency(once: (index: number) => unknown, samples: number, warmUp: number): Promise<Latency> {
  for (let index = 0; index < warmUp; index += 1) await once(index);
  const times: number[] = [];
  for (let index = warmUp; index < warmUp + samples; index += 1) {
    const started = performance.now();
    await once(index);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples };
}

/** One HTTP request, answered and read to the last byte; throws when the status is not the one expected. */
export async function timedFetch(url: string, init: RequestInit, expectedStatus: number): Promise<void> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  await response.arrayBuffer();
  if (response.status !== expectedStatus)
    throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}, not ${expectedStatus}`);
}
