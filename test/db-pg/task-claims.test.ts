// Every instance runs a task runner; a task is carried out once, however many claim it at the same moment.
import { describe, expect, test, vi } from 'vitest';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { createTaskRunner } from '../../src/lib/systems/runner.ts';
import { tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import type { Connector, PlannedTask } from '../../src/lib/systems/tasks.ts';
import { twoInstancesForTheseTests } from '../support/postgres-instances.ts';
import { postgresReachable } from '../support/postgres.ts';

vi.hoisted(() => {
  process.env.DATABASE_URL = 'postgres://the-repositories-use-postgresql-tables';
});

const reachable = await postgresReachable();

describe.skipIf(!reachable)('task runners on two instances', () => {
  const instances = twoInstancesForTheseTests();

  test('20 tasks claimed by both runners at once are each carried out exactly once', async () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    const request = await createRequest(instances.a, {
      submission: requestSubmissionSchema.parse({ type: 'access', locale: 'bg', name: 'Иван Петров', email: 'ivan.petrov@example.com', declaration: true }),
      now,
      timeZone: 'Europe/Athens',
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: newToken().hash,
    });
    await takeAction(instances.a, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now);
    const planned: PlannedTask[] = Array.from({ length: 20 }, (_, index) => ({
      system: `system-${index}`,
      action: 'collect',
      channel: 'webhook',
      runsAtStart: true,
    }));
    await takeAction(instances.a, request.reference, { action: 'start', tasks: { planned, today: '2026-12-04' } }, 'dpo:dpo@ostria.example', now);
    await instances.warmUp();

    const carriedOut: number[] = [];
    const connector: Connector = async (context) => {
      carriedOut.push(context.task.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { kind: 'done', result: { kind: 'collected', tables: [], collectedAt: now } };
    };
    // Twenty webhook systems; a connector that counts stands in for the channel.
    const text = { el: 'Σύστημα', bg: 'Система', nl: 'Systeem', pl: 'System' };
    const systems = resolveSystems(
      parseSystemsRegister({
        systems: planned.map((task) => ({
          id: task.system,
          kind: 'webhook',
          name: text,
          owner: { email: 'it@ostria.example', locale: 'el' },
          categories: [text],
          url: 'http://127.0.0.1:9/hook',
          secret: { env: 'HOOK_SECRET' },
        })),
      }),
      { HOOK_SECRET: 'x'.repeat(40) },
    );
    const runner = (store: typeof instances.a) =>
      createTaskRunner({
        store,
        systems,
        processors: [],
        connectors: { webhook: connector },
        clock: () => now,
        portalOrigin: 'https://p.example',
        retryDelaysMs: [],
        batch: 20,
      });
    const [a, b] = await Promise.all([runner(instances.a).runDue(), runner(instances.b).runDue()]);
    expect(a + b).toBe(20);
    expect(carriedOut).toHaveLength(20);
    expect(new Set(carriedOut).size).toBe(20);
    const tasks = await instances.a.read((db) => tasksOf(db, request.id));
    expect(tasks.map((task) => [task.status, task.attempts])).toEqual(tasks.map(() => ['done', 1]));
  });
});
