import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built client folder, held in memory with what its answer needs. */
export interface StaticAsset {
  body: Buffer;
  /** The gzip form, when it is worth sending. */
  gzip?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
  /** Meant to be loaded by other sites (the banner, the published JSON Schemas). */
  public: boolean;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};
const compressible = new Set(['.js', '.mjs', '.css', '.json', '.svg', '.txt', '.html', '.webmanifest']);

/** A body held in memory: itself, its gzip form when that is smaller, and the ETag it is revalidated by. */
export function inMemoryBody(body: Buffer, compress = true): { body: Buffer; gzip?: Buffer; etag: string } {
  const gzip = compress ? gzipSync(body, { level: 9 }) : undefined;
  return {
    body,
    ...(gzip && gzip.length < body.length ? { gzip } : {}),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * Reads the built client folder (CSS, the banner, the schemas: a few kilobytes) once at start-up, so a request for a
 * page or the consent API never waits for a file-system lookup. Hashed `/_astro/` files are cached for a year;
 * the rest is revalidated by ETag.
 */
export function loadStaticAssets(folder: string): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const urlPath = `/${relative(folder, path).split(sep).join('/')}`;
      const extension = extname(name).toLowerCase();
      const body = readFileSync(path);
      assets.set(urlPath, {
        ...inMemoryBody(body, compressible.has(extension) && body.length > 512),
        type: types[extension] ?? 'application/octet-stream',
        cacheControl: urlPath.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
        public: urlPath === '/banner.js' || urlPath.startsWith('/schemas/'),
      });
    }
  };
  walk(folder);
  return assets;
}

/**
 * Answers a GET or HEAD for a built file, with `headers` added (the portal's security headers); false when the
 * request is not for one, so the application handles it.
 */
export function serveStaticAsset(
  assets: ReadonlyMap<string, StaticAsset>,
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const asset = assets.get(query < 0 ? url : url.slice(0, query));
  if (!asset) return false;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Cache-Control', asset.cacheControl);
  response.setHeader('ETag', asset.etag);
  if (asset.public) {
    // Other sites load these; `crossorigin` + SRI needs CORS, and their pages may isolate themselves (CORP).
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  }
  if (asset.gzip) response.setHeader('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === asset.etag) {
    response.writeHead(304).end();
    return true;
  }
  const gzip = asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? asset.gzip : undefined;
  response.setHeader('Content-Type', asset.type);
  response.setHeader('Content-Length', (gzip ?? asset.body).length);
  if (gzip) response.setHeader('Content-Encoding', 'gzip');
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : (gzip ?? asset.body));
  return true;
}
