import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPortal, consentBudgetsLifted, startPortal } from './portal.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    chromiumPath: string;
    dataDir: string;
  }
}

/** Builds the portal, starts it the way `npm start` does on a fresh database, and finds Debian's Chromium. */
export default async function setup(project: TestProject) {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    const message = `Chromium not found at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH).`;
    if (process.env.CI) throw new Error(`${message} Browser tests are required in CI.`);
    console.warn(`${message} Browser tests are skipped.`);
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  await buildPortal();
  const portal = await startPortal({
    DATABASE_PATH: join(dataDir, 'portal.db'),
    OUTBOX_DIR: join(dataDir, 'outbox'),
    // Every browser test posts from 127.0.0.1; the per-email limit (5 an hour) stays as shipped and is tested.
    REQUESTS_PER_HOUR_PER_ADDRESS: '10000',
    ...consentBudgetsLifted,
  });
  project.provide('baseURL', portal.baseURL);
  project.provide('chromiumPath', existsSync(chromiumPath) ? chromiumPath : '');
  project.provide('dataDir', dataDir);

  return async () => {
    await portal.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
