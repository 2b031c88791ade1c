import { log } from '../lib/log.ts';
import { createTaskRunner, type TaskRunner } from '../lib/systems/runner.ts';
import { manualConnector } from '../lib/systems/manual.ts';
import { recipientConnector } from '../lib/systems/recipients.ts';
import { sqlConnector } from '../lib/systems/sql.ts';
import { webhookConnector } from '../lib/systems/webhook.ts';
import type { Portal } from './portal.ts';
import { onTaskRunnerWake } from './task-runner-wake.ts';

/**
 * The portal's task runner, for the portal's server to start: the `sql`, `webhook`, `manual` and `email` (Art. 19
 * recipients) channels. A manual task (a `manual` system, or a database without the statements for the action) emails
 * the system's owner a private link to the task page, and waits there, pending, until the owner answers on it.
 */
export function startTaskRunner(portal: Portal, intervalMs = 2000): TaskRunner {
  const runner = createTaskRunner({
    store: portal.store,
    systems: portal.systems,
    processors: portal.organisation.processors,
    connectors: {
      sql: sqlConnector(),
      webhook: webhookConnector(),
      manual: manualConnector({
        mailer: portal.mailer,
        translatorFor: portal.translators.translatorFor,
        organisation: portal.organisation,
        portalSecret: portal.secrets.portalSecret(),
      }),
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
