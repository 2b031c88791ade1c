// A small round-robin HTTP proxy in front of several portal instances, for the tests and benchmarks that run more than
// one: what a load balancer (nginx with `proxy_next_upstream error`) does for them, in node:http alone.
import {
  Agent,
  type ClientRequest,
  createServer,
  request as forward,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxyOptions {
  /** The instances' base URLs (`http://127.0.0.1:4321`), taken in turn. */
  upstreams: readonly string[];
  /** The port to listen on (loopback); a free one when omitted. */
  port?: number;
  /** How long an upstream whose connection failed is left out of the turn (nginx's fail_timeout: 10 s). */
  downForMs?: number;
  /** How long connecting to an upstream may take before it counts as failed. */
  connectTimeoutMs?: number;
}

export interface ProxyCounts {
  /** Requests answered by each upstream, in the order of `upstreams`. */
  answeredBy: number[];
  /** Connections to an upstream that failed before any answer (each marks it down). */
  failedConnections: number;
  /** Requests passed on to the next upstream after such a failure. */
  retried: number;
  /** Requests answered 502 by the proxy itself. */
  badGateway: number;
}

export interface RoundRobinProxy {
  url: string;
  port: number;
  readonly counts: ProxyCounts;
  close(): Promise<void>;
}

/**
 * Methods a client may repeat without changing the outcome (RFC 9110 9.2.2): a failed attempt is passed on to the
 * next upstream. Any other request is passed on only when the connection was refused before a byte of it was sent;
 * once sent (a consent POST the instance may have stored before it died), its failure is answered 502 and left to the
 * client to retry.
 */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Headers that belong to one connection (RFC 9110 7.6.1), never passed through a proxy. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !hopByHop.has(name) && !named.includes(name)) kept[name] = value;
  return kept;
}

/** Starts the proxy on 127.0.0.1; it forwards method, target, headers (Host kept, X-Forwarded-For appended) and body. */
export async function startRoundRobinProxy(options: RoundRobinProxyOptions): Promise<RoundRobinProxy> {
  if (options.upstreams.length === 0) throw new Error('a proxy needs at least one upstream');
  const downForMs = options.downForMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const upstreams = options.upstreams.map((base) => ({ url: new URL(base), downUntil: 0, agent: new Agent({ keepAlive: true }) }));
  const counts: ProxyCounts = { answeredBy: upstreams.map(() => 0), failedConnections: 0, retried: 0, badGateway: 0 };
  let turn = 0;

  /** The upstreams to try for one request, in order: the next in turn first, those marked down last. */
  const order = (): number[] => {
    const start = turn;
    turn = (turn + 1) % upstreams.length;
    const all = upstreams.map((_, offset) => (start + offset) % upstreams.length);
    const now = Date.now();
    return [...all.filter((index) => (upstreams[index]?.downUntil ?? 0) <= now), ...all.filter((index) => (upstreams[index]?.downUntil ?? 0) > now)];
  };

  const badGateway = (response: ServerResponse) => {
    counts.badGateway += 1;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('Bad gateway.');
  };

  const handle = (incoming: IncomingMessage, response: ServerResponse) => {
    const candidates = order();
    const idempotent = idempotentMethods.has(incoming.method ?? '');
    // An idempotent request's body (rarely more than nothing) is kept so it can be sent again; any other body streams
    // straight through and is read from the client only once an upstream's connection is open.
    const kept: Buffer[] = [];
    const received = idempotent
      ? new Promise<void>((done, fail) => {
          incoming.on('data', (chunk: Buffer) => kept.push(chunk));
          incoming.once('end', () => done());
          incoming.once('error', fail);
        })
      : undefined;
    // Settled by the attempt that sends it; one that never gets that far must not leave a rejection unheard.
    received?.catch(() => {});
    const headers = endToEnd(incoming.headers);
    const client = incoming.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = incoming.headers['x-forwarded-for'] ? `${incoming.headers['x-forwarded-for']}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';

    // A client that goes away takes its request under way with it, and is neither retried nor answered.
    let current: ClientRequest | undefined;
    let clientGone = false;
    response.once('close', () => {
      if (response.writableFinished) return;
      clientGone = true;
      current?.destroy();
    });

    const attempt = (position: number) => {
      const index = candidates[position] as number;
      const upstream = upstreams[index] as (typeof upstreams)[number];
      let sent = false;
      let answered = false;
      const outgoing = forward({
        host: upstream.url.hostname,
        port: upstream.url.port,
        method: incoming.method,
        path: incoming.url,
        headers,
        agent: upstream.agent,
      });
      current = outgoing;
      const connectTimer = setTimeout(() => outgoing.destroy(new Error('connect timeout')), connectTimeoutMs);
      outgoing.once('socket', (socket) => {
        const send = () => {
          clearTimeout(connectTimer);
          sent = true;
          if (received)
            void received.then(
              () => outgoing.end(Buffer.concat(kept)),
              () => outgoing.destroy(),
            );
          else incoming.pipe(outgoing);
        };
        if (socket.connecting) socket.once('connect', send);
        else send();
      });
      outgoing.once('response', (answer) => {
        answered = true;
        counts.answeredBy[index] = (counts.answeredBy[index] ?? 0) + 1;
        response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(response);
        // An upstream that dies half-way through its answer: the client's connection is cut, as it would be direct.
        answer.once('close', () => {
          if (!answer.complete) response.destroy();
        });
      });
      // Listened to for good, not once: a second error on a request already given up must not end the process.
      let failed = false;
      outgoing.on('error', () => {
        clearTimeout(connectTimer);
        if (failed || clientGone) return;
        failed = true;
        if (answered) {
          response.destroy();
          return;
        }
        counts.failedConnections += 1;
        upstream.downUntil = Date.now() + downForMs;
        const next = position + 1;
        if (next < candidates.length && (idempotent || !sent)) {
          counts.retried += 1;
          attempt(next);
        } else {
          badGateway(response);
          incoming.resume();
        }
      });
    };
    attempt(0);
  };

  const server = createServer(handle);
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => listening());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    close: () =>
      new Promise<void>((closed) => {
        for (const upstream of upstreams) upstream.agent.destroy();
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
