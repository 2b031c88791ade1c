import { fileURLToPath } from 'node:url';
import { buildPortalIfStale } from '../../scripts/support/portal-build.ts';
import { migrateFor, startServerProcess, type ServerProcess } from '../../scripts/support/server-process.ts';

export type RunningPortal = ServerProcess;

/** An empty systems register (content/systems.json's format). */
export const noSystems = fileURLToPath(new URL('../support/no-systems.json', import.meta.url));

/**
 * The per-visitor budgets of consent decisions and GPC records, lifted: for portals that many tests share, or that
 * take a steady load, all from 127.0.0.1. test/e2e/attacks/floods.test.ts tests the budgets themselves.
 */
export const consentBudgetsLifted = {
  CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '1000000',
  CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: '1000000',
  GPC_RECORDS_PER_DAY_PER_ADDRESS: '1000000',
};

/**
 * Starts the built portal the way `npm start` does (the migrate step, then the server; `output()` holds both), with its
 * own environment, and waits for /healthz. The tests reach
 * it at http://127.0.0.1:PORT, which is its PUBLIC_URL unless `env` names another; `{ publicUrl: 'unset' }` runs it
 * as a fresh install does, on its default origin http://localhost:PORT.
 */
export async function startPortal(
  given: Record<string, string>,
  { publicUrl = 'loopback' }: { publicUrl?: 'loopback' | 'unset' } = {},
): Promise<RunningPortal> {
  // Without systems unless a test names its register: the sample company's would reach its demo server and sample database.
  const env = { SYSTEMS_FILE: noSystems, ...given };
  const migrated = migrateFor(env);
  const portal = await startServerProcess('scripts/start.ts', env, '/healthz', (port) =>
    publicUrl === 'loopback' ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {},
  );
  return { ...portal, output: () => migrated + portal.output() };
}

/**
 * Builds the portal (banner included) when the sources are newer than dist/, as `npm start` does: aside, swapped in,
 * and refused while a server of this checkout runs.
 */
export function buildPortal(): void {
  buildPortalIfStale();
}
