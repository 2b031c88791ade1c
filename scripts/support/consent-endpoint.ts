// The portal's fast path for `POST /api/consent`, the one endpoint every visitor of every embedding site hits: answered
// by the portal's own server with the same function Astro's route uses (src/lib/consent-api.ts), without Astro's
// request pipeline. Its context is read from the same files the Astro build uses.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PortalDatabase } from '../../db/connection.ts';
import type { BannerStrings } from '../../src/lib/banner-config.ts';
import { answerConsentDecision, consentBodyLimit, consentBodyTooLarge, termsFor, type ConsentApiAnswer, type ConsentTerms } from '../../src/lib/consent-api.ts';
import { createConsentAppender } from '../../src/lib/consent.repo.ts';
import { createTranslator, type Messages } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { todayIn, type PolicyCatalog } from '../../src/lib/policy-catalog.ts';
import { sitesFileSchema, type Site } from '../../src/lib/site.ts';

export interface ConsentEndpointOptions {
  root: string;
  db: PortalDatabase;
  catalog: PolicyCatalog;
  timeZone: string;
  publicUrl: string | undefined;
  headers: Readonly<Record<string, string>>;
}

/** A handler that answers `POST /api/consent` and returns true, or returns false for anything else. */
export function createConsentEndpoint(options: ConsentEndpointOptions) {
  const sites: readonly Site[] = sitesFileSchema.parse(JSON.parse(readFileSync(join(options.root, 'content/sites.json'), 'utf8'))).sites;
  const strings = new Map<Locale, BannerStrings>();
  const bannerStrings = (locale: Locale): BannerStrings => {
    let found = strings.get(locale);
    if (!found) {
      const messages = JSON.parse(readFileSync(join(options.root, `locales/${locale}.json`), 'utf8')) as Messages;
      found = createTranslator(locale, messages)('banner', { returnObjects: true }) as unknown as BannerStrings;
      strings.set(locale, found);
    }
    return found;
  };
  const termsCache = new Map<string, ConsentTerms>();
  const terms = (site: Site, locale: Locale): ConsentTerms => {
    const today = todayIn(options.timeZone);
    const key = `${site.id}|${locale}|${today}`;
    let found = termsCache.get(key);
    if (!found) {
      if (termsCache.size > 1000) termsCache.clear();
      found = termsFor(site, locale, options.catalog, bannerStrings(locale), today);
      termsCache.set(key, found);
    }
    return found;
  };
  const append = createConsentAppender(() => options.db);
  const findSite = (id: string) => sites.find((site) => site.id === id);
  const configuredOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  const send = (response: ServerResponse, answer: ConsentApiAnswer) => {
    const body = JSON.stringify(answer.body);
    response.writeHead(answer.status, { ...options.headers, ...answer.headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
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
      answerConsentDecision(
        { bodyText: Buffer.concat(chunks).toString('utf8'), origin, gpcHeader: request.headers['sec-gpc'] === '1' },
        { findSite, terms, append, selfOrigin: configuredOrigin ?? `http://${request.headers.host ?? 'localhost'}` },
      ).then(
        (answer) => send(response, answer),
        (error: unknown) => {
          // No personal data: the kind of failure only.
          console.error(`A consent decision could not be recorded (${error instanceof Error ? error.name : 'unknown error'}).`);
          send(response, { status: 503, headers: { 'Retry-After': '1', 'Cache-Control': 'no-store' }, body: { error: { code: 'unavailable', message: 'The decision could not be recorded; please try again.' } } });
        },
      );
    });
    return true;
  };
}
