import { EventEmitter } from 'node:events';
import { IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { CleanRender, RenderedPage } from './page-cache.ts';

/** Astro's request handler in the Node adapter's middleware mode. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next: undefined, locals: object) => Promise<void>;

/**
 * The answer Astro writes, kept in memory: the few members of ServerResponse that Astro's Node adapter uses
 * (`writeHead`, `write`, `end`, `destroy`, the `finish` and `close` events). Nothing is sent anywhere.
 */
class KeptResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  private headers: OutgoingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private settled = false;
  readonly req: IncomingMessage;
  private readonly done: (page: RenderedPage) => void;
  private readonly failed: (error: Error) => void;

  constructor(req: IncomingMessage, done: (page: RenderedPage) => void, failed: (error: Error) => void) {
    super();
    this.req = req;
    this.done = done;
    this.failed = failed;
  }

  writeHead(status: number, ...rest: unknown[]): this {
    this.statusCode = status;
    const given = rest.find((argument) => typeof argument === 'object' && argument !== null) as OutgoingHttpHeaders | undefined;
    this.headers = Object.fromEntries(Object.entries(given ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    this.headersSent = true;
    return this;
  }

  write(chunk: unknown, ...rest: unknown[]): boolean {
    this.keep(chunk);
    const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }

  end(...rest: unknown[]): this {
    if (typeof rest[0] !== 'function') this.keep(rest[0]);
    this.headersSent = true;
    this.settle(() => this.done({ status: this.statusCode, headers: this.headers, body: Buffer.concat(this.chunks) }));
    this.emit('finish');
    this.emit('close');
    return this;
  }

  destroy(error?: Error): this {
    this.settle(() => this.failed(error ?? new Error('the render was cut off')));
    this.emit('close');
    return this;
  }

  private keep(chunk: unknown): void {
    if (typeof chunk === 'string') this.chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  private settle(outcome: () => void): void {
    if (this.settled) return;
    this.settled = true;
    outcome();
  }
}

/**
 * Renders a path through Astro for a request nobody sent: GET, the canonical `host`, `Accept: text/html`, no cookie,
 * no other header. What the page cache keeps is what this returns, so no visitor's header can reach it.
 */
export function cleanRenderer(handler: NodeHandler, host: string): CleanRender {
  return (path) =>
    new Promise<RenderedPage>((resolve, reject) => {
      const request = new IncomingMessage(new Socket());
      request.method = 'GET';
      request.url = path;
      request.headers = { host, accept: 'text/html' };
      request.rawHeaders = ['Host', host, 'Accept', 'text/html'];
      request.push(null);
      const response = new KeptResponse(request, resolve, reject);
      handler(request, response as unknown as ServerResponse, undefined, {}).catch(reject);
    });
}
