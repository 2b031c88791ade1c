// `npm start`: builds when the sources are newer than the build, applies migrations, records the policy texts,
// then serves the portal (PORT, HOST) with its data in DATABASE_PATH.
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { migrateDatabase, openSqliteStore } from '../db/connection.ts';
import { schemaDifferences } from '../db/schema-check.ts';
import { publicUrlIsHttps, readEnvironment } from '../src/lib/environment.ts';
import { decisionLimitsOf } from '../src/lib/consent-limits.ts';
import { buildCatalog, todayIn } from '../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../src/lib/policy-source.ts';
import { publishPolicyTexts } from '../src/lib/policy.repo.ts';
import { createPageCache } from '../src/lib/page-cache.ts';
import { checkRequestTarget, portalHosts, portalOrigins } from '../src/lib/canonical-origin.ts';
import { cleanRenderer, type NodeHandler } from '../src/lib/clean-render.ts';
import { loadStaticAssets, serveStaticAsset } from '../src/lib/static-assets.ts';
import { securityHeaders } from '../src/lib/security-headers.ts';
import { trustedProxies, visitorAddress } from '../src/lib/visitor-address.ts';
import { createConsentEndpoint } from './support/consent-endpoint.ts';
import { projectRoot, readOrganisation } from './support/content.ts';
import { buildPortalIfStale, serverEntry } from './support/portal-build.ts';
import { keepNewFilesPrivate, tightenPortalFiles } from './support/private-files.ts';

const root = projectRoot;
const entry = serverEntry;
const environment = readEnvironment(process.env);

buildPortalIfStale();

const organisation = readOrganisation();
const texts = readPolicyTexts(join(root, 'content/policies'));
const catalog = buildCatalog(texts);

// From here on every file this process makes is private (the build above stays readable, a proxy may serve it). An
// older version's files are made private before SQLite opens the database: it gives a new WAL and SHM the mode of
// the database file.
keepNewFilesPrivate();
for (const line of tightenPortalFiles(environment.DATABASE_PATH, environment.OUTBOX_DIR)) console.log(`Private files: ${line}`);

// One store for the whole process: Astro's pages and the consent fast path share its connection and its turn queue, so
// a transaction of one never waits on a lock the other holds across an await.
const store = openSqliteStore(environment.DATABASE_PATH);
const db = store.handle;
refuseChangedSchema('as it was found');
migrateDatabase(db, join(root, 'db/migrations'));
refuseChangedSchema('once migrated');
const published = await publishPolicyTexts(store, texts, todayIn(organisation.timeZone));
console.log(
  `Database ${environment.DATABASE_PATH}: migrations applied; ${texts.length} policy texts (${published.recorded} new, ${published.updated} updated).`,
);

/**
 * Stops start-up (exit 1, before anything is served or written) when the database's tables, indexes, triggers or
 * views are not exactly what its migrations create: an append-only trigger dropped or changed, or one added.
 */
function refuseChangedSchema(when: string): void {
  const differences = schemaDifferences(db.$client, join(root, 'db/migrations'));
  if (differences.length === 0) return;
  db.$client.close();
  console.error(
    `Refusing to start: the database at ${environment.DATABASE_PATH} is not as its migrations make it (${when}): ${differences.join('; ')}. ` +
      'Its records cannot be trusted to be append-only: find out who changed it, then restore a backup (npm run db:restore) or put the objects back as db/migrations creates them.',
  );
  process.exit(1);
}

// The portal's own HTTP server around Astro's request handler (the adapter's middleware mode): built files answered
// from memory, consent decisions (the hottest endpoint) by the fast path with the same function as Astro's route,
// the pages every first-time visitor gets alike (privacy notices, the start page) rendered once a minute, everything
// else rendered by Astro, and a graceful stop on SIGTERM.
process.env.HOST = environment.HOST;
process.env.PORT = String(environment.PORT);
const { handler: astroHandler } = (await import(entry)) as { handler: NodeHandler };
// Every render, the page cache's too, is handed the process's one store: Astro never opens a second connection.
const handler: NodeHandler = (request, response, next, locals) => astroHandler(request, response, next, { ...locals, store });
const hosts = portalHosts(environment);
if (environment.PUBLIC_URL) console.log(`Public origin ${hosts.origin}: every link the portal writes points there.`);
else console.log(`PUBLIC_URL is not set: links in mail and pages point to ${hosts.origin} (set PUBLIC_URL for any other use).`);
const staticHeaders = securityHeaders(publicUrlIsHttps(environment));
const assets = loadStaticAssets(join(root, 'dist/client'));
const proxies = trustedProxies(environment.TRUSTED_PROXIES);
// One budget of consent decisions per visitor, whether they reach the fast path, Astro's route or the cookie form.
const decisionLimits = decisionLimitsOf(environment);
const consentEndpoint = createConsentEndpoint({
  store,
  catalog,
  timeZone: organisation.timeZone,
  selfOrigins: portalOrigins(hosts),
  headers: staticHeaders,
  proxies,
  limits: decisionLimits,
});
const pages = createPageCache({ render: cleanRenderer(handler, new URL(hosts.origin).host) });
const server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (request, response) => {
  const target = checkRequestTarget(request.rawHeaders, request.url ?? '', hosts);
  if (!target.ok) {
    refuse(response, target.status, `${target.reason}.`);
    return;
  }
  request.url = target.path;
  try {
    decodeURI(request.url);
  } catch {
    refuse(response, 400, 'Bad request.');
    return;
  }
  const render = () =>
    void handler(request, response, undefined, { visitorAddress: visitorAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], proxies), decisionLimits, store });
  if (serveStaticAsset(assets, request, response, staticHeaders) || consentEndpoint(request, response) || pages.serve(request, response, render)) return;
  render();
});

/** A request refused before anything is rendered: the status, one plain line, and the connection closed. */
function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', ...staticHeaders }).end(message);
}
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
    void store.close().finally(() => {
      console.log('Stopped.');
      process.exit(0);
    });
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
