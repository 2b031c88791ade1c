import { eq } from 'drizzle-orm';
import type { RequestTaskRow } from '../../../db/rows.ts';
import type { Store } from '../../../db/store.ts';
import { requests } from '../../../db/tables.ts';
import type { Logger } from '../log.ts';
import type { Processor } from '../organisation.ts';
import { verificationMethodOf } from '../requests.repo.ts';
import type { System } from './register.ts';
import { claimDueTasks, recordAttempt } from './tasks.repo.ts';
import { verifiedIdentifiers, type AttemptOutcome, type Connector, type TaskChannel, type TaskContext } from './tasks.ts';

// The task runner: each instance of the portal runs one. It claims the tasks that are due (a conditional update, so
// two instances never take the same one), carries each out through its channel's connector, and records the outcome:
// done, waiting for a callback or an owner, tried again after the next delay, or failed for the DPO to look at.

export interface TaskRunnerOptions {
  store: Store;
  systems: readonly System[];
  processors: readonly Processor[];
  /** The channels this runner carries out; a task of another channel waits for a runner that has it. */
  connectors: Partial<Record<TaskChannel, Connector>>;
  clock: () => number;
  portalOrigin: string;
  /** The waits after the 1st, 2nd, … failed attempt; after the last, the task fails. */
  retryDelaysMs: readonly number[];
  /** How long a claim holds: longer than any connector's timeout, so a live runner is never overtaken. */
  leaseMs?: number;
  /** Tasks claimed per round. */
  batch?: number;
  log?: Pick<Logger, 'warn' | 'info'>;
}

export interface TaskRunner {
  /** Claims and carries out what is due now; the number of tasks attempted. */
  runDue(): Promise<number>;
  /** Runs every `intervalMs`, and soon after each `wake()`. */
  start(intervalMs: number): void;
  wake(): void;
  /** Stops the rounds and waits for the one under way. */
  stop(): Promise<void>;
}

export function createTaskRunner(options: TaskRunnerOptions): TaskRunner {
  const { store, clock } = options;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const channels = Object.keys(options.connectors) as TaskChannel[];
  const systemsById = new Map(options.systems.map((system) => [system.id, system]));
  const processorsById = new Map(options.processors.map((processor) => [`recipient:${processor.id}`, processor]));

  async function contextOf(task: RequestTaskRow): Promise<TaskContext | undefined> {
    return store.read(async (db) => {
      const [request] = await db.select().from(requests).where(eq(requests.id, task.requestId)).limit(1);
      if (!request) return undefined;
      const method = await verificationMethodOf(db, request.id);
      return {
        task,
        request,
        system: systemsById.get(task.system),
        recipient: processorsById.get(task.system),
        identifiers: verifiedIdentifiers(request, method),
        now: clock(),
        portalOrigin: options.portalOrigin,
      };
    });
  }

  async function attempt(task: RequestTaskRow): Promise<void> {
    const started = clock();
    const connector = options.connectors[task.channel];
    const context = await contextOf(task);
    let outcome: AttemptOutcome;
    if (!connector || !context) outcome = { kind: 'failed', error: { code: 'unreachable', detail: 'no such system or request' }, retryable: false };
    else if (!context.system && !context.recipient)
      outcome = { kind: 'failed', error: { code: 'unreachable', detail: `${task.system} is not in the register` }, retryable: false };
    else {
      try {
        outcome = await connector(context);
      } catch (error) {
        // A connector's own bug must not take the runner down; the DPO sees the task failed and can retry it.
        options.log?.warn('A task attempt threw.', { task: task.id, error: error instanceof Error ? error.name : 'unknown' });
        outcome = { kind: 'failed', error: { code: 'unreachable', detail: error instanceof Error ? error.name : 'error' }, retryable: true };
      }
    }
    const now = clock();
    const delay = outcome.kind === 'failed' && outcome.retryable ? options.retryDelaysMs[task.attempts - 1] : undefined;
    const rows =
      outcome.kind === 'done' && outcome.result.kind === 'collected' ? outcome.result.tables.reduce((sum, table) => sum + table.rows.length, 0) : undefined;
    await recordAttempt(store, { task, outcome, now, retryDelayMs: delay, facts: { ms: now - started, ...(rows === undefined ? {} : { rows }) } });
  }

  let running: Promise<number> | undefined;
  let again = false;
  async function round(): Promise<number> {
    let attempted = 0;
    do {
      again = false;
      const claimed = await claimDueTasks(store, clock(), leaseMs, options.batch ?? 10, channels);
      await Promise.all(claimed.map(attempt));
      attempted += claimed.length;
      if (claimed.length === (options.batch ?? 10)) again = true;
    } while (again);
    return attempted;
  }
  const runDue = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = round().finally(() => {
      running = undefined;
    });
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const safeRun = () => {
    if (stopped) return;
    runDue().catch((error: unknown) => options.log?.warn('The task runner could not run.', { error: error instanceof Error ? error.message : 'unknown' }));
  };
  return {
    runDue,
    start(intervalMs) {
      timer = setInterval(safeRun, intervalMs);
      timer.unref();
      setImmediate(safeRun);
    },
    wake() {
      setImmediate(safeRun);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
