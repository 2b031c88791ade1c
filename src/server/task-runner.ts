import { log } from '../lib/log.ts';
import { createTaskRunner, type TaskRunner } from '../lib/systems/runner.ts';
import { sqlConnector } from '../lib/systems/sql.ts';
import { webhookConnector } from '../lib/systems/webhook.ts';
import type { Portal } from './portal.ts';
import { onTaskRunnerWake } from './task-runner-wake.ts';

/**
 * The portal's task runner, for the portal's server to start: the `sql` and `webhook` channels. Manual systems and
 * the recipients' notifications are not carried out by this version: their tasks wait, and the DPO marks them done
 * by hand (not applicable, with what was done) until their channels exist.
 */
export function startTaskRunner(portal: Portal, intervalMs = 2000): TaskRunner {
  const runner = createTaskRunner({
    store: portal.store,
    systems: portal.systems,
    processors: portal.organisation.processors,
    connectors: { sql: sqlConnector(), webhook: webhookConnector() },
    clock: portal.clock,
    portalOrigin: portal.hosts.origin,
    retryDelaysMs: portal.environment.TASK_RETRY_DELAYS_MS,
    log,
  });
  runner.start(intervalMs);
  onTaskRunnerWake(() => runner.wake());
  return runner;
}
