// The node:http side of the portal's metrics: each answer counted and timed under its route pattern, and the scrape
// endpoint, readable only with the METRICS_TOKEN bearer token (or on the loopback-only METRICS_PORT listener).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpRequestDuration, httpRequests, metricsText } from './metrics.ts';

/**
 * The Astro route pattern of a page the page cache answers (its paths are the few shapes below), so a cached answer
 * is counted under the same route as a rendered one.
 */
export function cachedPageRoute(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts.length <= 1) return '/[locale]';
  const rest = parts.slice(3);
  const tail = rest[0] === 'history' ? '/history' : rest[0] === 'v' ? '/v/[version]' : rest[0] === 'diff' ? '/diff/[from]/[to]' : '';
  return `/[locale]/policies/[document]${tail}`;
}

/**
 * Counts and times the answer to `request` once it is sent (or the connection is cut), under the route `route()`
 * names then: it is known only once the answer is decided (Astro sets it while rendering).
 */
export function observeRequest(request: IncomingMessage, response: ServerResponse, route: () => string): void {
  const started = process.hrtime.bigint();
  let counted = false;
  const count = () => {
    if (counted) return;
    counted = true;
    const method = ['GET', 'HEAD', 'POST', 'OPTIONS'].includes(request.method ?? '') ? (request.method as string) : 'other';
    const name = route();
    httpRequests.inc({ route: name, method, status: String(response.statusCode) });
    httpRequestDuration.observe({ route: name, method }, Number(process.hrtime.bigint() - started) / 1e9);
  };
  response.once('finish', count);
  response.once('close', count);
}

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * A handler for `GET /metrics` that returns true when it answered: 404 when no token is configured (the path does
 * not exist for the public), 401 without the right bearer token, else the scrape. `token: undefined` with
 * `open: true` is the loopback listener's form: answered to whoever reaches it.
 */
export function createMetricsEndpoint({
  token,
  open = false,
  headers = {},
}: {
  token?: string | undefined;
  open?: boolean;
  headers?: Readonly<Record<string, string>>;
}) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
    if (!open && token === undefined) return false;
    if (!open) {
      const given = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
      if (given === undefined || !sameToken(given, token ?? '')) {
        response.writeHead(401, {
          ...headers,
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
          'WWW-Authenticate': 'Bearer realm="metrics"',
        });
        response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'The metrics need the METRICS_TOKEN bearer token.' } }));
        return true;
      }
    }
    metricsText().then(
      ({ contentType, body }) => {
        response.writeHead(200, { ...headers, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      () => {
        response.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end('Metrics unavailable.');
      },
    );
    return true;
  };
}
