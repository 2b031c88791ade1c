import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { inMemoryBody } from './static-assets.ts';

/**
 * Pages every first-time visitor gets byte for byte the same: a privacy notice, its history, a version, a comparison,
 * and the portal's start page, in each language. They change only with a new version in force (a calendar date) or a
 * new build (a restart), so the portal keeps each rendered answer for a minute and serves it from memory, with an
 * ETag and gzip, instead of rendering it again for each of a thousand visitors following a banner's link.
 *
 * The cache cannot be poisoned by what a visitor sends: it never keeps the answer to a visitor's request. On a miss it
 * renders its own clean request for the path (the canonical host, no cookie, no other header) and keeps that answer
 * only when the page marked it as shareable (`Cache-Control: public`, neither `private` nor `no-store`, no
 * `Set-Cookie`). Only visitors whose page could not differ from that clean one are answered from memory: GET or HEAD,
 * a path of the kinds above with no query, no cookie, no credentials and no Global Privacy Control signal.
 */
const cacheablePath = /^\/(?:el|bg|nl|pl)(?:\/policies\/[a-z-]{1,40}(?:\/history|\/v\/\d{1,4}|\/diff\/\d{1,4}\/\d{1,4})?)?\/?$/;

/** A page larger than this is not kept (a policy page is about 20 KB). */
const maxBytes = 2 * 1024 * 1024;

/** Headers that describe one connection or one transfer, not the page. */
const transferHeaders = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'etag', 'vary', 'age']);

/** A page as the portal rendered it for the cache's own clean request. */
export interface RenderedPage {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** Renders `path` for a clean request: the canonical host, no cookie, nothing else from any visitor. */
export type CleanRender = (path: string) => Promise<RenderedPage>;

interface CachedPage {
  /** The page's headers as a flat name, value, name, value… list, ETag and Vary included. */
  headers: string[];
  body: Buffer;
  /** The gzip form, when it is smaller. */
  gzip?: Buffer;
  etag: string;
}

/** What the cache knows of a path for `ttlMs`: the page to answer with, or that it is not kept (render for each). */
interface Entry {
  page?: CachedPage | undefined;
  storedAt: number;
}

export interface PageCacheOptions {
  render: CleanRender;
  /** How long a rendered page is reused. */
  ttlMs?: number;
  /** At most this many pages are kept (4 locales × a few documents and versions need far fewer). */
  maxPages?: number;
  now?: () => number;
}

export interface PageCache {
  /**
   * Takes a request the cache may answer and returns true: it answers from memory, or renders the clean page first;
   * when the page is not one to keep, `passOn()` is called to render it for the visitor as usual. False: not for the
   * cache, render as usual.
   */
  serve(request: IncomingMessage, response: ServerResponse, passOn: () => void): boolean;
}

/** The path a request may be answered from memory under, or undefined. */
export function cacheKey(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  if (request.headers.cookie !== undefined || request.headers.authorization !== undefined) return undefined;
  if (request.headers['sec-gpc'] !== undefined) return undefined;
  const url = request.url ?? '/';
  if (url.includes('?') || !cacheablePath.test(url)) return undefined;
  // `/nl` and `/nl/` are kept apart: each page names itself (its canonical link, the banner's way back).
  return url;
}

/** Whether a page said it may be shared with every visitor, and is one the cache keeps. */
export function isShareable(page: RenderedPage): boolean {
  const header = (name: string) => {
    const value = page.headers[name];
    return Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);
  };
  const cacheControl = header('cache-control')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim().split('=')[0]);
  return (
    page.status === 200 &&
    header('content-type').startsWith('text/html') &&
    page.headers['set-cookie'] === undefined &&
    cacheControl.includes('public') &&
    !cacheControl.includes('private') &&
    !cacheControl.includes('no-store') &&
    page.body.length > 0 &&
    page.body.length <= maxBytes
  );
}

function keptPage(page: RenderedPage): CachedPage {
  const held = inMemoryBody(page.body);
  const headers = Object.entries(page.headers)
    .filter(([name, value]) => value !== undefined && !transferHeaders.has(name.toLowerCase()))
    .flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((one) => [name, one]) : [name, String(value)]));
  return { ...held, headers: [...headers, 'ETag', held.etag, 'Vary', 'Accept-Encoding, Cookie, Sec-GPC'] };
}

function answer(request: IncomingMessage, response: ServerResponse, page: CachedPage, age: number): void {
  // One writeHead with a flat header list: the hot path of every first visit.
  const ageHeader = ['Age', String(Math.floor(age / 1000))];
  if (request.headers['if-none-match'] === page.etag) {
    response.writeHead(304, [...page.headers, ...ageHeader]).end();
    return;
  }
  const gzip = page.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? page.gzip : undefined;
  const body = gzip ?? page.body;
  response.writeHead(200, [...page.headers, ...ageHeader, 'Content-Length', String(body.length), ...(gzip ? ['Content-Encoding', 'gzip'] : [])]);
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function createPageCache({ render, ttlMs = 60_000, maxPages = 512, now = Date.now }: PageCacheOptions): PageCache {
  const entries = new Map<string, Entry>();
  // One clean render per path at a time, however many first visitors arrive together.
  const rendering = new Map<string, Promise<Entry>>();

  const renderEntry = (key: string): Promise<Entry> => {
    let pending = rendering.get(key);
    if (!pending) {
      pending = render(key)
        .then((page): Entry => ({ page: isShareable(page) ? keptPage(page) : undefined, storedAt: now() }))
        .catch((): Entry => ({ storedAt: now() }))
        .then((entry) => {
          if (entries.size >= maxPages) entries.delete(entries.keys().next().value as string);
          entries.set(key, entry);
          return entry;
        })
        .finally(() => rendering.delete(key));
      rendering.set(key, pending);
    }
    return pending;
  };

  return {
    serve(request, response, passOn) {
      const key = cacheKey(request);
      if (key === undefined) return false;
      const entry = entries.get(key);
      if (entry && now() - entry.storedAt < ttlMs) {
        if (!entry.page) return false;
        answer(request, response, entry.page, now() - entry.storedAt);
        return true;
      }
      void renderEntry(key).then((fresh) => (fresh.page ? answer(request, response, fresh.page, 0) : passOn()));
      return true;
    },
  };
}
