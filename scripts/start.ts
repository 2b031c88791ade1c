// `npm start`: builds when the sources are newer than the build (aside, swapped in only while no server of this
// checkout runs), checks that the database is current (migrating is
// `npm run db:migrate`, which `npm start` runs first), records the policy texts, then serves the portal (PORT, HOST)
// with its data in DATABASE_PATH.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import compression from 'compression';
import { join } from 'node:path';
import { constants as zlibConstants } from 'node:zlib';
import { openStore, storeName } from '../db/connection.ts';
import { holdLocalOutbox, type LocalOutboxHold } from '../db/postgres/outbox-lock.ts';
import { migrationsProblem, schemaChanges } from '../db/store-status.ts';
import { publicUrlIsHttps } from '../src/lib/environment.ts';
import { log } from '../src/lib/log.ts';
import { todayIn } from '../src/lib/policy-catalog.ts';
import { publishPolicyTexts } from '../src/lib/policy.repo.ts';
import { cacheKey, createPageCache } from '../src/lib/page-cache.ts';
import { cachedPageRoute, createMetricsEndpoint, observeRequest } from '../src/lib/http-metrics.ts';
import { watchDpoRequests } from '../src/lib/metrics.ts';
import { requestCountsByStatus } from '../src/lib/inbox.repo.ts';
import { collectDefaultMetrics } from 'prom-client';
import { checkRequestTarget } from '../src/lib/canonical-origin.ts';
import { cleanRenderer, type NodeHandler } from '../src/lib/clean-render.ts';
import { loadStaticAssets, serveStaticAsset } from '../src/lib/static-assets.ts';
import { securityHeaders } from '../src/lib/security-headers.ts';
import { trustedProxies, visitorAddress } from '../src/lib/visitor-address.ts';
import { createConsentEndpoint } from './support/consent-endpoint.ts';
import { createPortal, dataFolderOf, type Portal } from '../src/server/portal.ts';
import { startTaskRunner } from '../src/server/task-runner.ts';
import { SystemsRegisterError } from '../src/lib/systems/register.ts';
import { ensureSampleCustomerDatabase, sampleCustomerDatabaseOf } from './support/sample-company.ts';
import { projectRoot } from './support/content.ts';
import { buildPortalIfStale, registerServer, serverEntry } from './support/portal-build.ts';
import { keepNewFilesPrivate, tightenPortalFiles } from './support/private-files.ts';
import { changedSchemaRefusal } from './support/schema-refusal.ts';
import { environmentOrExit } from './support/cli.ts';

const root = projectRoot;
const entry = serverEntry;
const environment = environmentOrExit();

try {
  buildPortalIfStale();
} catch (error) {
  log.error(`Refusing to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// From here until it exits, a stale build is refused rather than rebuilt under this server.
registerServer();

// From here on every file this process makes is private (the build above stays readable, a proxy may serve it). An
// older version's files are made private before SQLite opens the database: it gives a new WAL and SHM the mode of
// the database file.
keepNewFilesPrivate();
for (const line of tightenPortalFiles(environment.DATABASE_PATH, environment.OUTBOX_DIR)) log.warn(`Private files: ${line}`);

// One store for the whole process: Astro's pages and the consent fast path share it (on SQLite its connection and its
// turn queue, so a transaction of one never waits on a lock the other holds across an await; on PostgreSQL its pool).
const store = openStore(environment, { onConnectionError: (error) => log.warn('PostgreSQL: a connection failed.', { reason: error.message }) });
const database = storeName(environment);
const migrations = join(root, store.dialect === 'postgres' ? 'db/postgres/migrations' : 'db/migrations');
if (!(await store.answers())) await refuseToStart(`the database at ${database} does not answer (is it running, and does DATABASE_URL name it?)`);
await refuseToStart(changedSchemaRefusal(await schemaChanges(store, migrations), database, 'as it was found'));
const notCurrent = await migrationsProblem(store, migrations);
await refuseToStart(notCurrent && `the database at ${database} is not current: ${notCurrent}.`);
// On PostgreSQL without SMTP_URL, mail goes to this machine's outbox: only one instance may do that.
let outbox: LocalOutboxHold | undefined;
try {
  outbox = await holdLocalOutbox(environment, (error) => {
    log.error('The local outbox lock was lost: stopping, so another instance can take the outbox.', { reason: error.message });
    stop('outbox lock lost');
  });
} catch (error) {
  await refuseToStart(error instanceof Error ? error.message : String(error));
}
// The portal's parts, built once: Astro's pages (through `locals.portal`) and the consent fast path share them.
const portal = await portalOrRefusal();
// The sample company's customer database (content/systems.json as shipped), beside portal.db on a fresh machine.
const sampleDatabase = sampleCustomerDatabaseOf(portal.systems, process.env, dataFolderOf(environment));
if (sampleDatabase && ensureSampleCustomerDatabase(sampleDatabase))
  log.info('The sample company’s customer database was created (content/systems.json, "customer-database").', { file: sampleDatabase });
const { organisation, policyTexts: texts } = portal;
const published = await publishPolicyTexts(store, texts, todayIn(organisation.timeZone));
log.info('Database is current; policy texts recorded.', {
  database,
  texts: texts.length,
  recorded: published.recorded,
  updated: published.updated,
});

/** The portal's parts; a systems register that does not parse or names what is not set stops start-up, plainly. */
async function portalOrRefusal(): Promise<Portal> {
  try {
    return createPortal(environment, { root, store });
  } catch (error) {
    if (!(error instanceof SystemsRegisterError)) throw error;
    await refuseToStart(error.message);
    throw error;
  }
}

/** Stops start-up (exit 1, before anything is served or written) with the reason, when there is one. */
async function refuseToStart(reason: string | undefined): Promise<void> {
  if (!reason) return;
  await store.close().catch(() => undefined);
  log.error(`Refusing to start: ${reason}`);
  process.exit(1);
}

// The portal's own HTTP server around Astro's request handler (the adapter's middleware mode): built files answered
// from memory, consent decisions (the hottest endpoint) by the fast path with the same function as Astro's route,
// the pages every first-time visitor gets alike (privacy notices, the start page) rendered once a minute, everything
// else rendered by Astro, and a graceful stop on SIGTERM.
process.env.HOST = environment.HOST;
process.env.PORT = String(environment.PORT);
const { handler: astroHandler } = (await import(entry)) as { handler: NodeHandler };
// Every render, the page cache's too, is handed the process's one portal: Astro never builds a second one (nor opens a
// second connection). The same locals object is passed on (not a copy): the middleware writes the route pattern into
// it for the metrics.
const handler: NodeHandler = (request, response, next, locals) => astroHandler(request, response, next, Object.assign(locals ?? {}, { portal }));
const { hosts } = portal;
if (environment.PUBLIC_URL) log.info('Every link the portal writes points to its public origin.', { origin: hosts.origin });
else log.warn('PUBLIC_URL is not set: links in mail and pages point to the local origin (set PUBLIC_URL for any other use).', { origin: hosts.origin });
const staticHeaders = securityHeaders(publicUrlIsHttps(environment));
const assets = loadStaticAssets(join(root, 'dist/client'));
const proxies = trustedProxies(environment.TRUSTED_PROXIES);
collectDefaultMetrics();
watchDpoRequests(() => store.read((db) => requestCountsByStatus(db)));
// One budget of consent decisions per visitor and one appender, whether a decision reaches the fast path, Astro's
// route or the cookie form: the portal's.
const consentEndpoint = createConsentEndpoint({ portal, headers: staticHeaders, proxies });
/**
 * Brotli or gzip for every answer Astro renders in a compressible type and not already encoded (the banner's
 * configuration, pages rendered for one visitor, JSON exports). Brotli at quality 5 costs about what gzip's default
 * does and takes the Greek configuration from 3.6 KB to 1.5 KB. Astro streams its answers without a length, so the
 * middleware's 1 KB threshold cannot tell a small one: a short JSON error is compressed too (some 20 bytes more).
 */
const compress = compression({ brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } } }) as unknown as (
  request: IncomingMessage,
  response: ServerResponse,
  next: () => void,
) => void;
const pages = createPageCache({ render: cleanRenderer(handler, new URL(hosts.origin).host) });
const metrics = createMetricsEndpoint({ token: environment.METRICS_TOKEN, headers: staticHeaders });
const server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (request, response) => {
  // The route every answer is counted under: what answered it, or the pattern Astro puts in `locals` as it renders.
  let route = 'refused';
  let locals: { visitorAddress: string; routePattern?: string } | undefined;
  observeRequest(request, response, () => locals?.routePattern ?? route);
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
  // Astro's answers are compressed as they stream (built files and cached pages carry their own gzip form).
  const render = () => {
    route = 'unmatched';
    locals = { visitorAddress: visitorAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], proxies) };
    compress(request, response, () => void handler(request, response, undefined, locals ?? {}));
  };
  if (metrics(request, response)) route = '/metrics';
  else if (serveStaticAsset(assets, request, response, staticHeaders)) route = 'static';
  else if (consentEndpoint(request, response)) route = '/api/consent';
  else if (cacheKey(request) !== undefined) {
    route = cachedPageRoute(request.url);
    if (!pages.serve(request, response, render)) render();
  } else render();
});

// A scraper on this machine reads /metrics on its own loopback port without a token; nothing else is answered there.
if (environment.METRICS_PORT) {
  const loopbackMetrics = createMetricsEndpoint({ open: true });
  createServer((request, response) => {
    if (!loopbackMetrics(request, response)) response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found.');
  })
    .listen(environment.METRICS_PORT, '127.0.0.1', () =>
      log.info('Metrics listening on loopback.', { url: `http://127.0.0.1:${environment.METRICS_PORT}/metrics` }),
    )
    .unref();
}

/** A request refused before anything is rendered: the status, one plain line, and the connection closed. */
function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', ...staticHeaders }).end(message);
}
server.listen(environment.PORT, environment.HOST, () => log.info('Portal listening.', { url: `http://${environment.HOST}:${environment.PORT}` }));
// The systems' tasks (content/systems.json) are carried out by every instance; a claim keeps two from taking one.
const taskRunner = startTaskRunner(portal);

/**
 * SIGTERM (or Ctrl-C): stop accepting connections, let every request under way finish (consent decisions reach the
 * disk before their answer, so nothing answered is lost), then exit; after 10 s whatever is left is cut off.
 */
let stopping = false;
function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('Finishing the requests under way, then stopping.', { signal });
  server.close(() => {
    void Promise.all([taskRunner.stop().then(() => store.close()), outbox?.release()]).finally(() => {
      log.info('Stopped.');
      process.exit(0);
    });
  });
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  idle.unref();
  setTimeout(() => {
    log.error('Requests still open after 10 s were cut off.');
    server.closeAllConnections();
    process.exit(1);
  }, 10_000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
