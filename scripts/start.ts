// `npm start`: builds when the sources are newer than the build, applies migrations, records the policy texts,
// then serves the portal (PORT, HOST) with its data in DATABASE_PATH.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { publicUrlIsHttps, readEnvironment } from '../src/lib/environment.ts';
import { decisionLimitsOf } from '../src/lib/consent-limits.ts';
import { buildCatalog, todayIn } from '../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../src/lib/policy-source.ts';
import { publishPolicyTexts } from '../src/lib/policy.repo.ts';
import { createPageCache } from '../src/lib/page-cache.ts';
import { loadStaticAssets, serveStaticAsset } from '../src/lib/static-assets.ts';
import { securityHeaders } from '../src/lib/security-headers.ts';
import { trustedProxies, visitorAddress } from '../src/lib/visitor-address.ts';
import { createConsentEndpoint } from './support/consent-endpoint.ts';
import { projectRoot, readOrganisation } from './support/content.ts';
import { buildPortalIfStale, serverEntry } from './support/portal-build.ts';

const root = projectRoot;
const entry = serverEntry;
const environment = readEnvironment(process.env);

buildPortalIfStale();

const organisation = readOrganisation();
const texts = readPolicyTexts(join(root, 'content/policies'));
const catalog = buildCatalog(texts);

const db = openDatabase(environment.DATABASE_PATH);
migrateDatabase(db, join(root, 'db/migrations'));
const published = publishPolicyTexts(db, texts, todayIn(organisation.timeZone));
db.$client.close();
console.log(
  `Database ${environment.DATABASE_PATH}: migrations applied; ${texts.length} policy texts (${published.recorded} new, ${published.updated} updated).`,
);

// The portal's own HTTP server around Astro's request handler (the adapter's middleware mode): built files answered
// from memory, consent decisions (the hottest endpoint) by the fast path with the same function as Astro's route,
// the pages every first-time visitor gets alike (privacy notices, the start page) rendered once a minute, everything
// else rendered by Astro, and a graceful stop on SIGTERM.
process.env.HOST = environment.HOST;
process.env.PORT = String(environment.PORT);
const { handler } = (await import(entry)) as {
  handler: (request: IncomingMessage, response: ServerResponse, next: undefined, locals: Partial<App.Locals>) => Promise<void>;
};
const staticHeaders = securityHeaders(publicUrlIsHttps(environment));
const assets = loadStaticAssets(join(root, 'dist/client'));
const proxies = trustedProxies(environment.TRUSTED_PROXIES);
// One budget of consent decisions per visitor, whether they reach the fast path, Astro's route or the cookie form.
const decisionLimits = decisionLimitsOf(environment);
const consentEndpoint = createConsentEndpoint({
  db: openDatabase(environment.DATABASE_PATH),
  catalog,
  timeZone: organisation.timeZone,
  publicUrl: environment.PUBLIC_URL,
  headers: staticHeaders,
  proxies,
  limits: decisionLimits,
});
const pages = createPageCache();
const server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (request, response) => {
  try {
    decodeURI(request.url ?? '/');
  } catch {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...staticHeaders }).end('Bad request.');
    return;
  }
  if (serveStaticAsset(assets, request, response, staticHeaders) || consentEndpoint(request, response) || pages.serve(request, response)) return;
  pages.keep(request, response);
  void handler(request, response, undefined, { visitorAddress: visitorAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], proxies), decisionLimits });
});
server.listen(environment.PORT, environment.HOST, () => console.log(`Portal listening on http://${environment.HOST}:${environment.PORT}`));

/**
 * SIGTERM (or Ctrl-C): stop accepting connections, let every request under way finish (consent decisions reach the
 * disk before their answer, so nothing answered is lost), then exit; after 10 s whatever is left is cut off.
 */
let stopping = false;
function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing the requests under way, then stopping.`);
  server.close(() => {
    console.log('Stopped.');
    process.exit(0);
  });
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  idle.unref();
  setTimeout(() => {
    console.error('Requests still open after 10 s were cut off.');
    server.closeAllConnections();
    process.exit(1);
  }, 10_000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
