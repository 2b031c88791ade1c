// The portal's fast path for `POST /api/consent`, the one endpoint every visitor of every embedding site hits: answered
// by the portal's own server with the same function Astro's route uses (src/lib/consent-api.ts), without Astro's
// request pipeline. Its context is read from the same files the Astro build uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlockList } from 'node:net';
import type { Store } from '../../db/store.ts';
import type { BannerStrings } from '../../src/lib/banner-config.ts';
import { answerConsentDecision, consentBodyLimit, consentBodyTooLarge, createTermsSource, type ConsentApiAnswer } from '../../src/lib/consent-api.ts';
import type { DecisionLimits } from '../../src/lib/consent-limits.ts';
import { createConsentAppender } from '../../src/lib/consent.repo.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { log } from '../../src/lib/log.ts';
import { countCommittedDecisions } from '../../src/lib/metrics.ts';
import type { PolicyCatalog } from '../../src/lib/policy-catalog.ts';
import { floodKey, visitorAddress } from '../../src/lib/visitor-address.ts';
import { readMessages, readSites } from './content.ts';

export interface ConsentEndpointOptions {
  /** The process's one store, shared with Astro's pages. */
  store: Store;
  catalog: PolicyCatalog;
  timeZone: string;
  /** The portal's own origins (sites naming `self`), canonical first: never taken from a request. */
  selfOrigins: readonly string[];
  headers: Readonly<Record<string, string>>;
  /** The trusted proxies, to count the visitor behind them as Astro does. */
  proxies: BlockList;
  /** The decision budget per visitor, the same object Astro's pages and route are given. */
  limits: DecisionLimits;
}

/** A handler that answers `POST /api/consent` and returns true, or returns false for anything else. */
export function createConsentEndpoint(options: ConsentEndpointOptions) {
  const sites = readSites();
  const strings = new Map<Locale, BannerStrings>();
  const bannerStrings = (locale: Locale): BannerStrings => {
    let found = strings.get(locale);
    if (!found) {
      found = createTranslator(locale, readMessages(locale))('banner', { returnObjects: true }) as unknown as BannerStrings;
      strings.set(locale, found);
    }
    return found;
  };
  const terms = createTermsSource({ catalog: () => options.catalog, strings: bannerStrings, timeZone: options.timeZone });
  const append = createConsentAppender(options.store, countCommittedDecisions);
  const findSite = (id: string) => sites.find((site) => site.id === id);

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
      answerConsentDecision(
        { bodyText: Buffer.concat(chunks).toString('utf8'), origin, gpcHeader: request.headers['sec-gpc'] === '1', visitor },
        { findSite, terms, append, selfOrigins: options.selfOrigins, limits: options.limits },
      ).then(
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
