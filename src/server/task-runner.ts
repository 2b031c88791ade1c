import { log } from '../lib/log.ts';
import { createTaskRunner, type TaskRunner } from '../lib/systems/runner.ts';
import { recipientConnector } from '../lib/systems/recipients.ts';
import { sqlConnector } from '../lib/systems/sql.ts';
import { webhookConnector } from '../lib/systems/webhook.ts';
import type { Portal } from './portal.ts';
import { onTaskRunnerWake } from './task-runner-wake.ts';

/**
 * The portal's task runner, for the portal's server to start: the `sql`, `webhook` and `email` (Art. 19 recipients)
 * channels. Manual systems are not carried out by this version: their tasks wait, and the DPO follows them up with
 * the owner and closes them by hand (not applicable, with what was done) until their channel exists.
 */
export function startTaskRunner(portal: Portal, intervalMs = 2000): TaskRunner {
  const runner = createTaskRunner({
    store: portal.store,
    systems: portal.systems,
    processors: portal.organisation.processors,
    connectors: {
      sql: sqlConnector(),
      webhook: webhookConnector(),
      email: recipientConnector({ mailer: portal.mailer, translatorFor: portal.translators.translatorFor, organisation: portal.organisation }),
    },
    clock: portal.clock,
    portalOrigin: portal.hosts.origin,
    retryDelaysMs: portal.environment.TASK_RETRY_DELAYS_MS,
    log,
  });
  runner.start(intervalMs);
  onTaskRunnerWake(() => runner.wake());
  return runner;
}
