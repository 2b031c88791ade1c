// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { buildBanner } from './scripts/build-banner.mjs';

/**
 * Builds the consent banner into public/banner.js whenever Astro starts (build, dev, check), so `/banner.js` is never
 * stale; in dev a change to one of its sources restarts the server, which builds it again.
 * @type {import('astro').AstroIntegration}
 */
const consentBanner = {
  name: 'consent-banner',
  hooks: {
    'astro:config:setup': async ({ command, addWatchFile }) => {
      const { sources } = await buildBanner();
      if (command === 'dev') for (const source of sources) addWatchFile(source);
    },
  },
};

// Every public page lives under /{locale}/ (src/pages/[locale]); the locale is resolved in src/middleware.ts
// instead of Astro's i18n routing, so an unknown locale can answer a localized 404 and `/` can negotiate.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  trailingSlash: 'ignore',
  build: { inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  // /api/consent must accept the banner's cross-origin text/plain beacons; src/middleware.ts refuses cross-site
  // posts to every other route itself.
  security: { checkOrigin: false },
  integrations: [consentBanner],
});
