import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { type RoundRobinProxy, startRoundRobinProxy } from '../../scripts/support/round-robin-proxy.ts';
import { freePort } from '../../scripts/support/server-process.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Upstream {
  name: string;
  url: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** A tiny server that answers with its name and keeps what it received; `behave` may answer otherwise. */
async function upstream(name: string, behave?: (incoming: IncomingMessage, response: ServerResponse, body: string) => boolean, port = 0): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer((incoming, response) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => (body += chunk));
    incoming.on('end', () => {
      seen.push({ method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body });
      if (behave?.(incoming, response, body)) return;
      response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Upstream': name }).end(name);
    });
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', () => listening()));
  const bound = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((closed) => {
      server.close(() => closed());
      server.closeAllConnections();
    });
  closing.push(close);
  return { name, url: `http://127.0.0.1:${bound}`, port: bound, seen, close };
}

async function proxyTo(upstreams: (Upstream | string)[], downForMs?: number): Promise<RoundRobinProxy> {
  const proxy = await startRoundRobinProxy({
    upstreams: upstreams.map((one) => (typeof one === 'string' ? one : one.url)),
    ...(downForMs === undefined ? {} : { downForMs }),
  });
  closing.push(() => proxy.close());
  return proxy;
}

/** A URL nothing listens on: connecting to it is refused. */
async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

const answer = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text(), headers: response.headers };
};

describe('startRoundRobinProxy()', () => {
  test('sends each request to the next upstream in turn', async () => {
    const proxy = await proxyTo([await upstream('a'), await upstream('b')]);
    const names: string[] = [];
    for (let index = 0; index < 6; index += 1) names.push((await answer(`${proxy.url}/`)).text);
    expect(names).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(proxy.counts.answeredBy).toEqual([3, 3]);
  });

  test('passes on the method, the target, the headers and the body, with Host kept and the client added to X-Forwarded-For', async () => {
    const only = await upstream('a');
    const proxy = await proxyTo([only]);
    const answered = await answer(`${proxy.url}/api/consent?site=demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'http://localhost:4322', 'X-Forwarded-For': '203.0.113.7' },
      body: '{"site":"demo"}',
    });
    expect(answered).toMatchObject({ status: 200, text: 'a' });
    expect(answered.headers.get('x-upstream')).toBe('a');
    const [seen] = only.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/api/consent?site=demo', body: '{"site":"demo"}' });
    expect(seen?.headers).toMatchObject({
      host: `127.0.0.1:${proxy.port}`,
      origin: 'http://localhost:4322',
      'content-type': 'text/plain',
      'x-forwarded-for': '203.0.113.7, 127.0.0.1',
    });
  });

  test('streams a body: the upstream reads its first part before the client has sent the rest', async () => {
    let firstPart: (text: string) => void = () => {};
    const arrived = new Promise<string>((resolve) => (firstPart = resolve));
    const server = createServer((incoming, response) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        body += chunk;
        firstPart(body);
      });
      incoming.on('end', () => response.writeHead(200).end(`got ${body}`));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    closing.push(() => new Promise<void>((closed) => server.close(() => closed())));
    const proxy = await proxyTo([`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);

    const text = await new Promise<string>((resolve, reject) => {
      const outgoing = request(`${proxy.url}/upload`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
      });
      outgoing.on('error', reject);
      outgoing.write('first ');
      // A proxy that waited for the whole body would never get here.
      void arrived.then((part) => outgoing.end(part === 'first ' ? 'second' : 'too late'));
    });
    expect(text).toBe('got first second');
  });

  test('a refused connection sends the request to the next upstream and leaves the refusing one out for a while', async () => {
    const alive = await upstream('alive');
    const proxy = await proxyTo([await refusedUrl(), alive], 60_000);
    const names: string[] = [];
    for (let index = 0; index < 6; index += 1) names.push((await answer(`${proxy.url}/`)).text);
    expect(names).toEqual(Array(6).fill('alive'));
    // Tried once, then marked down: every later request went straight to the one alive.
    expect(proxy.counts.failedConnections).toBe(1);
    expect(proxy.counts.badGateway).toBe(0);
  });

  test('a POST refused before any byte was sent goes to the next upstream: nothing reached the first', async () => {
    const alive = await upstream('alive');
    const proxy = await proxyTo([await refusedUrl(), alive]);
    const answered = await answer(`${proxy.url}/api/consent`, { method: 'POST', body: 'decision' });
    expect(answered).toMatchObject({ status: 200, text: 'alive' });
    expect(alive.seen.map((seen) => seen.body)).toEqual(['decision']);
  });

  test('an upstream that comes back after its time out is in the turn again', async () => {
    const port = await freePort();
    const other = await upstream('other');
    const proxy = await proxyTo([`http://127.0.0.1:${port}`, other], 200);
    expect((await answer(`${proxy.url}/`)).text).toBe('other');
    await upstream('back', undefined, port);
    await new Promise((wait) => setTimeout(wait, 250));
    const names = new Set<string>();
    for (let index = 0; index < 4; index += 1) names.add((await answer(`${proxy.url}/`)).text);
    expect(names).toEqual(new Set(['back', 'other']));
  });

  describe('an upstream whose connection is cut after it read the request, before answering', () => {
    const cutting = () =>
      upstream('cut', (incoming) => {
        incoming.socket.destroy();
        return true;
      });

    test('a POST is answered 502 and not sent again: the first may have stored it', async () => {
      const cut = await cutting();
      const other = await upstream('other');
      const proxy = await proxyTo([cut, other]);
      const answered = await answer(`${proxy.url}/api/consent`, { method: 'POST', body: 'decision' });
      expect(answered.status).toBe(502);
      expect(cut.seen).toHaveLength(1);
      expect(other.seen).toHaveLength(0);
      expect(proxy.counts).toMatchObject({ badGateway: 1, retried: 0 });
    });

    test('a GET is sent to the next upstream and answered', async () => {
      const cut = await cutting();
      const other = await upstream('other');
      const proxy = await proxyTo([cut, other]);
      expect(await answer(`${proxy.url}/healthz`)).toMatchObject({ status: 200, text: 'other' });
      expect(cut.seen).toHaveLength(1);
      expect(proxy.counts).toMatchObject({ badGateway: 0, retried: 1 });
    });

    test('a PUT is sent again with its whole body', async () => {
      const cut = await cutting();
      const other = await upstream('other');
      const proxy = await proxyTo([cut, other]);
      expect(await answer(`${proxy.url}/thing`, { method: 'PUT', body: 'the same body' })).toMatchObject({ status: 200, text: 'other' });
      expect(other.seen.map((seen) => seen.body)).toEqual(['the same body']);
    });
  });

  test('with every upstream refusing, the client gets a 502, not a hang', async () => {
    const proxy = await proxyTo([await refusedUrl(), await refusedUrl()]);
    expect((await answer(`${proxy.url}/`)).status).toBe(502);
    expect((await answer(`${proxy.url}/api/consent`, { method: 'POST', body: 'x' })).status).toBe(502);
  });

  test('a client that goes away before the answer takes its request to the upstream with it', async () => {
    let upstreamGone: () => void = () => {};
    const gone = new Promise<void>((resolve) => (upstreamGone = resolve));
    const slow = await upstream('slow', (incoming) => {
      // Never answers; only the proxy closing the connection ends it.
      incoming.socket.once('close', () => upstreamGone());
      return true;
    });
    const proxy = await proxyTo([slow]);
    const leaving = new AbortController();
    const asked = fetch(`${proxy.url}/slow`, { signal: leaving.signal });
    await expect.poll(() => slow.seen.length).toBe(1);
    leaving.abort();
    await expect(asked).rejects.toThrow();
    await gone;
    expect(proxy.counts.badGateway).toBe(0);
  });

  test('an answer cut half-way reaches the client as a cut connection, never as a complete answer', async () => {
    const half = await upstream('half', (_incoming, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('only part');
      setTimeout(() => response.socket?.destroy(), 20);
      return true;
    });
    const proxy = await proxyTo([half]);
    await expect(answer(`${proxy.url}/`)).rejects.toThrow();
  });
});
