import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { inMemoryBody } from './static-assets.ts';

/**
 * Pages every first-time visitor gets byte for byte the same: a privacy notice, its history, a version, a comparison,
 * and the portal's start page, in each language. They change only with a new version in force (a calendar date) or a
 * new build (a restart), so the portal keeps each rendered answer for a minute and serves it from memory, with an
 * ETag and gzip, instead of rendering it again for each of a thousand visitors following a banner's link.
 *
 * Only requests that cannot make a page differ are answered from memory: GET or HEAD, no query string, no cookie
 * (a consent cookie hides the banner, a DPO session belongs to someone) and no Global Privacy Control signal (which
 * records a refusal). Everything else, and every first request of a minute, is rendered as before; only a 200 HTML
 * answer that sets no cookie is kept.
 */
const cacheablePath = /^\/(?:el|bg|nl|pl)(?:\/policies\/[a-z-]{1,40}(?:\/history|\/v\/\d{1,4}|\/diff\/\d{1,4}\/\d{1,4})?)?\/?$/;

/** A page larger than this is not kept (a policy page is about 20 KB). */
const maxBytes = 2 * 1024 * 1024;

/** Headers that describe one connection or one transfer, not the page. */
const transferHeaders = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'etag', 'vary', 'age']);

interface CachedPage {
  /** The page's headers as a flat name, value, name, value… list, ETag and Vary included. */
  headers: string[];
  body: Buffer;
  /** The gzip form, when it is smaller. */
  gzip?: Buffer;
  etag: string;
  storedAt: number;
}

export interface PageCacheOptions {
  /** How long a rendered page is reused. */
  ttlMs?: number;
  /** At most this many pages are kept (4 locales × a few documents and versions need far fewer). */
  maxPages?: number;
  now?: () => number;
}

export interface PageCache {
  /** Answers the request from memory when it may and the page is fresh; false when it must be rendered. */
  serve(request: IncomingMessage, response: ServerResponse): boolean;
  /** Watches a response being rendered for a request that may be cached, and keeps the page when it qualifies. */
  keep(request: IncomingMessage, response: ServerResponse): void;
}

/** The path a request may be cached under, or undefined. */
export function cacheKey(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  if (request.headers.cookie !== undefined || request.headers.authorization !== undefined) return undefined;
  if (request.headers['sec-gpc'] !== undefined) return undefined;
  const url = request.url ?? '/';
  if (url.includes('?') || !cacheablePath.test(url)) return undefined;
  return url.endsWith('/') && url.length > 1 ? url.slice(0, -1) : url;
}

export function createPageCache({ ttlMs = 60_000, maxPages = 512, now = Date.now }: PageCacheOptions = {}): PageCache {
  const pages = new Map<string, CachedPage>();

  return {
    serve(request, response) {
      const key = cacheKey(request);
      const page = key === undefined ? undefined : pages.get(key);
      if (!page) return false;
      const age = now() - page.storedAt;
      if (age >= ttlMs) {
        pages.delete(key as string);
        return false;
      }
      // One writeHead with a flat header list: the hot path of every first visit.
      const ageHeader = ['Age', String(Math.floor(age / 1000))];
      if (request.headers['if-none-match'] === page.etag) {
        response.writeHead(304, [...page.headers, ...ageHeader]).end();
        return true;
      }
      const gzip = page.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? page.gzip : undefined;
      const body = gzip ?? page.body;
      response.writeHead(200, [...page.headers, ...ageHeader, 'Content-Length', String(body.length), ...(gzip ? ['Content-Encoding', 'gzip'] : [])]);
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    },

    keep(request, response) {
      const key = request.method === 'GET' ? cacheKey(request) : undefined;
      if (key === undefined) return;
      const chunks: Buffer[] = [];
      let headers: OutgoingHttpHeaders | undefined;
      let size = 0;
      const writeHead = response.writeHead.bind(response) as (status: number, ...rest: unknown[]) => ServerResponse;
      const write = response.write.bind(response) as (chunk: unknown, ...rest: unknown[]) => boolean;
      response.writeHead = ((status: number, ...rest: unknown[]) => {
        const given = rest.find((argument) => typeof argument === 'object' && argument !== null) as OutgoingHttpHeaders | undefined;
        headers = { ...response.getHeaders(), ...Object.fromEntries(Object.entries(given ?? {}).map(([name, value]) => [name.toLowerCase(), value])) };
        return writeHead(status, ...rest);
      }) as typeof response.writeHead;
      const end = response.end.bind(response) as (...rest: unknown[]) => ServerResponse;
      const collect = (chunk: unknown) => {
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        size += buffer.length;
        if (size <= maxBytes) chunks.push(buffer);
      };
      response.write = ((chunk: unknown, ...rest: unknown[]) => {
        collect(chunk);
        return write(chunk, ...rest);
      }) as typeof response.write;
      response.end = ((...rest: unknown[]) => {
        if (typeof rest[0] !== 'function') collect(rest[0]);
        return end(...rest);
      }) as typeof response.end;
      response.once('finish', () => {
        const kept = headers ?? response.getHeaders();
        const type = String(kept['content-type'] ?? '');
        if (response.statusCode !== 200 || kept['set-cookie'] !== undefined || !type.startsWith('text/html') || size > maxBytes) return;
        const body = Buffer.concat(chunks);
        if (body.length !== size || body.length === 0) return;
        if (pages.size >= maxPages) pages.delete(pages.keys().next().value as string);
        const held = inMemoryBody(body);
        const pageHeaders = Object.entries(kept)
          .filter(([name, value]) => value !== undefined && !transferHeaders.has(name.toLowerCase()))
          .flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((one) => [name, one]) : [name, String(value)]));
        pages.set(key, { ...held, headers: [...pageHeaders, 'ETag', held.etag, 'Vary', 'Accept-Encoding, Cookie, Sec-GPC'], storedAt: now() });
      });
    },
  };
}
