// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Every public page lives under /{locale}/ (src/pages/[locale]); the locale is resolved in src/middleware.ts
// instead of Astro's i18n routing, so an unknown locale can answer a localized 404 and `/` can negotiate.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  trailingSlash: 'ignore',
  build: { inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
});
