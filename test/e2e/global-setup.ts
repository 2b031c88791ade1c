import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium } from './find-chromium.ts';
import { buildPortal, consentBudgetsLifted, startPortal } from './portal.ts';
import { testStoreEnvironment } from './store.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    chromiumPath: string;
    dataDir: string;
    /** What names the shared portal's database (DATABASE_PATH, or DATABASE_URL and the secrets), for scripts and tests. */
    storeEnv: Record<string, string>;
  }
}

/**
 * Builds the portal, starts it the way `npm start` does on a fresh database (a SQLite file, or a PostgreSQL database
 * in the e2e-postgres run), and finds a Chromium (find-chromium.ts).
 */
export default async function setup(project: TestProject) {
  const chromium = await findChromium(process.env);
  if ('missing' in chromium) {
    if (process.env.CI) throw new Error(`${chromium.missing} Browser tests are required in CI.`);
    console.warn(`${chromium.missing} Browser tests are skipped.`);
  } else if (chromium.source !== 'Debian') console.info(`Browser tests use Chromium from ${chromium.source}: ${chromium.path}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  buildPortal();
  // The project's env (E2E_STORE) reaches its test files, not necessarily this process.
  const store = await testStoreEnvironment(dataDir, { postgres: project.config.env?.E2E_STORE === 'postgres' });
  const portal = await startPortal({
    ...store.env,
    OUTBOX_DIR: join(dataDir, 'outbox'),
    // Every browser test posts from 127.0.0.1; the per-email limit (5 an hour) stays as shipped and is tested.
    REQUESTS_PER_HOUR_PER_ADDRESS: '10000',
    // Likewise for new verification links; the per-reference limit stays as shipped (test/e2e/verification-resend.test.ts).
    VERIFICATION_LINKS_PER_HOUR_PER_ADDRESS: '10000',
    ...consentBudgetsLifted,
  });
  project.provide('baseURL', portal.baseURL);
  project.provide('chromiumPath', 'missing' in chromium ? '' : chromium.path);
  project.provide('dataDir', dataDir);
  project.provide('storeEnv', store.env);

  return async () => {
    await portal.stop();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
