// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { existsSync, readFileSync } from 'node:fs';
import { buildBanner } from './scripts/build-banner.mjs';
import { parseSystemsRegister } from './src/lib/systems/register.ts';

/** What other sites load from the portal to embed the consent banner. */
const embedPaths = new Set(['/banner.js', '/api/consent/config', '/api/consent']);

/** @type {import('vite').Connect.NextHandleFunction} */
const servePublicly = (request, _response, next) => {
  if (embedPaths.has(new URL(request.url ?? '/', 'http://dev').pathname)) delete request.headers['sec-fetch-site'];
  next();
};

/**
 * Astro's dev server answers 403 to every cross-site subresource request, and a `<script src>` sends no Origin that
 * `security.allowedDomains` could allow. In `astro dev` only, the embed paths are served to other origins as the
 * production server serves them (so `npm run demo` works against `npm run dev`); every other path keeps the guard.
 * @type {import('vite').Plugin}
 */
const devEmbedding = {
  name: 'consent-banner:dev-embedding',
  apply: 'serve',
  enforce: 'post',
  configureServer(server) {
    // Runs after Astro has put its guard first in the stack, so this goes in front of it.
    return () => {
      server.middlewares.stack.unshift({ route: '', handle: servePublicly });
    };
  },
};

/**
 * Builds the consent banner into public/banner.js whenever Astro starts (build, dev, check), so `/banner.js` is never
 * stale; in dev a change to one of its sources restarts the server, which builds it again.
 * @type {import('astro').AstroIntegration}
 */
const consentBanner = {
  name: 'consent-banner',
  hooks: {
    'astro:config:setup': async ({ command, addWatchFile, updateConfig }) => {
      const { sources } = await buildBanner();
      if (command !== 'dev') return;
      for (const source of sources) addWatchFile(source);
      updateConfig({ vite: { plugins: [devEmbedding] } });
    },
  },
};

/**
 * Checks content/systems.json whenever Astro starts (build, dev, check): its schema and the identifiers its statements
 * name. Its URLs and secrets come from the environment, which `npm start` checks (scripts/start.ts).
 * @type {import('astro').AstroIntegration}
 */
const systemsRegister = {
  name: 'systems-register',
  hooks: {
    'astro:config:setup': ({ addWatchFile }) => {
      const file = new URL('./content/systems.json', import.meta.url);
      addWatchFile(file);
      if (existsSync(file)) parseSystemsRegister(JSON.parse(readFileSync(file, 'utf8')));
    },
  },
};

// Every public page lives under /{locale}/ (src/pages/[locale]); the locale is resolved in src/middleware.ts
// instead of Astro's i18n routing, so an unknown locale can answer a localized 404 and `/` can negotiate.
export default defineConfig({
  output: 'server',
  // scripts/start.ts serves Astro's handler with its own node:http server (built files from memory, graceful stop).
  adapter: node({ mode: 'middleware' }),
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  trailingSlash: 'ignore',
  build: { inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  // /api/consent must accept the banner's cross-origin text/plain beacons; src/middleware.ts refuses cross-site
  // posts to every other route itself (the lead engineer's setting: keep it). No form here needs more than 64 KB.
  security: { checkOrigin: false, actionBodySizeLimit: 64 * 1024 },
  integrations: [consentBanner, systemsRegister],
});
