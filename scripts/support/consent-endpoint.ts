// The portal's fast path for `POST /api/consent`, the one endpoint every visitor of every embedding site hits: answered
// by the portal's own server with the same function Astro's route uses (src/lib/consent-api.ts), without Astro's
// request pipeline. It answers with the same Portal (store, appender, sites, terms, budget) that Astro is handed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlockList } from 'node:net';
import { consentBodyLimit, consentBodyTooLarge, type ConsentApiAnswer } from '../../src/lib/consent-api.ts';
import { log } from '../../src/lib/log.ts';
import { floodKey, visitorAddress } from '../../src/lib/visitor-address.ts';
import { answerBannerDecision } from '../../src/server/consent.ts';
import type { Portal } from '../../src/server/portal.ts';

export interface ConsentEndpointOptions {
  /** The process's one portal, shared with Astro's pages through `locals.portal`. */
  portal: Portal;
  headers: Readonly<Record<string, string>>;
  /** The trusted proxies, to count the visitor behind them as Astro does. */
  proxies: BlockList;
}

/** A handler that answers `POST /api/consent` and returns true, or returns false for anything else. */
export function createConsentEndpoint(options: ConsentEndpointOptions) {
  const send = (response: ServerResponse, answer: ConsentApiAnswer) => {
    const body = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      ...options.headers,
      ...answer.headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  };

  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'POST') return false;
    const url = request.url ?? '';
    if (url !== '/api/consent' && !url.startsWith('/api/consent?')) return false;
    if (Number(request.headers['content-length'] ?? 0) > consentBodyLimit) {
      send(response, consentBodyTooLarge());
      request.resume();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > consentBodyLimit) {
        refused = true;
        send(response, consentBodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const origin = typeof request.headers.origin === 'string' ? request.headers.origin : null;
      const visitor = floodKey(visitorAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], options.proxies));
      answerBannerDecision(options.portal, {
        bodyText: Buffer.concat(chunks).toString('utf8'),
        origin,
        gpcHeader: request.headers['sec-gpc'] === '1',
        visitor,
      }).then(
        (answer) => send(response, answer),
        (error: unknown) => {
          // No personal data: the kind of failure only.
          log.error('A consent decision could not be recorded.', { error: error instanceof Error ? error.name : 'unknown error' });
          send(response, {
            status: 503,
            headers: { 'Retry-After': '1', 'Cache-Control': 'no-store' },
            body: { error: { code: 'unavailable', message: 'The decision could not be recorded; please try again.' } },
          });
        },
      );
    });
    return true;
  };
}
