import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, eventsOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { acceptCallback } from '../../src/lib/systems/callback.ts';
import { parseSystemsRegister, resolveSystems, type System } from '../../src/lib/systems/register.ts';
import { createTaskRunner } from '../../src/lib/systems/runner.ts';
import { tasksOf, retryTask } from '../../src/lib/systems/tasks.repo.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { webhookConnector } from '../../src/lib/systems/webhook.ts';
import { signBody, verifySignature } from '../../src/lib/systems/webhook-signature.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

// The webhook channel end to end against a real HTTP server: the signed message, an answer at once or a callback
// later through the portal's callback logic, and each fault (down, slow, garbage, too large, refused signature)
// failing the task with its reason, nothing kept, and a retry working once the system is back.

const secret = 'a-webhook-secret-of-at-least-32-characters';
const label = { el: 'Συνδέσεις', bg: 'Влизания', nl: 'Aanmeldingen', pl: 'Logowania' };

type Behaviour = (request: IncomingMessage, body: string, response: ServerResponse) => void;
let behaviour: Behaviour;
let server: Server;
let url: string;
let received: { headers: IncomingMessage['headers']; body: string }[];
let store: TestStore;
let now: number;

beforeEach(async () => {
  received = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      behaviour(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  store = await migratedStore();
  now = Date.parse('2026-12-04T10:00:00Z');
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
});

function systemAt(endpoint: string, extra: Record<string, unknown> = {}): System {
  const register = parseSystemsRegister({
    systems: [
      {
        id: 'login-history',
        kind: 'webhook',
        name: label,
        owner: { email: 'security@ostria.example', locale: 'nl' },
        categories: [label],
        url: endpoint,
        secret: { env: 'LOGIN_HISTORY_SECRET' },
        timeoutMs: 500,
        maxBytes: 2048,
        ...extra,
      },
    ],
  });
  return resolveSystems(register, { LOGIN_HISTORY_SECRET: secret })[0] as System;
}

async function startedAccessRequest(system: System) {
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna Nowak', email: 'anna.nowak@example.com', declaration: true }),
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  const planned = planTasks('access', [system], []);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-04' } }, 'dpo:dpo@ostria.example', now)).ok).toBe(
    true,
  );
  return request;
}

function runnerFor(system: System, retryDelaysMs: number[] = []) {
  return createTaskRunner({
    store,
    systems: [system],
    processors: [],
    connectors: { webhook: webhookConnector({ tokenLifetimeMs: 60_000 }) },
    clock: () => now,
    portalOrigin: 'https://privacy.ostria.example',
    retryDelaysMs,
  });
}

const logins = { tables: [{ name: 'logins', label, columns: ['at', 'service'], rows: [['2026-11-30T08:00:00Z', 'webmail']] }] };
const answerWith =
  (status: number, body: string): Behaviour =>
  (_request, _body, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
  };

async function onlyTask(requestId: number) {
  const [task] = await tasksOf(store.db, requestId);
  if (!task) throw new Error('no task');
  return task;
}

describe('a webhook system', () => {
  test('receives a message signed with its secret, naming the request and only the verified identifiers; its data at once makes the task done', async () => {
    behaviour = answerWith(200, JSON.stringify(logins));
    const system = systemAt(url);
    const request = await startedAccessRequest(system);
    expect(await runnerFor(system).runDue()).toBe(1);

    const [message] = received;
    if (!message) throw new Error('nothing received');
    expect(
      verifySignature(secret, message.headers['x-portal-timestamp'] as string, message.headers['x-portal-signature'] as string, message.body, now),
    ).toBeUndefined();
    expect(
      verifySignature(
        'another secret of at least 32 characters',
        message.headers['x-portal-timestamp'] as string,
        message.headers['x-portal-signature'] as string,
        message.body,
        now,
      ),
    ).toBe('badSignature');
    const body = JSON.parse(message.body);
    expect(body).toMatchObject({
      version: 1,
      action: 'collect',
      request: { reference: request.reference, type: 'access', locale: 'pl' },
      // The email link proves the address only: no customer number or phone goes out on its strength.
      identifiers: { email: 'anna.nowak@example.com', customerReference: null, phone: null },
    });
    expect(body.callback.url).toMatch(/^https:\/\/privacy\.ostria\.example\/api\/tasks\/\d+\/result$/);

    const task = await onlyTask(request.id);
    expect(task.status).toBe('done');
    expect(JSON.parse(task.result ?? '{}').tables[0].rows).toEqual([['2026-11-30T08:00:00Z', 'webmail']]);
    const kinds = (await eventsOf(store.db, request.id)).map((event) => event.kind);
    expect(kinds.slice(-2)).toEqual(['task-attempt', 'task-done']);
  });

  test('that answers 202 posts its result later: the callback is accepted once; a wrong, reused or expired token is refused and recorded', async () => {
    behaviour = answerWith(202, '');
    const system = systemAt(url);
    const request = await startedAccessRequest(system);
    await runnerFor(system).runDue();
    const waiting = await onlyTask(request.id);
    expect(waiting.status).toBe('running');
    const callback = JSON.parse(received[0]?.body ?? '{}').callback as { token: string };

    const post = (token: string, body: string, at = now, signedWith = secret) => {
      const timestamp = String(Math.floor(at / 1000));
      return acceptCallback(store, [system], {
        taskId: String(waiting.id),
        authorization: `Bearer ${token}`,
        timestamp,
        signature: signBody(signedWith, timestamp, body),
        body,
        now: at,
      });
    };
    const result = JSON.stringify(logins);
    expect(await post(newToken().token, result)).toMatchObject({ status: 401, code: 'wrong_token' });
    expect(await post(callback.token, result, now, 'not the system secret, but 32 characters')).toMatchObject({ status: 401, code: 'bad_signature' });
    expect(await post(callback.token, '{"tables": "none"}')).toMatchObject({ status: 400 });
    expect((await onlyTask(request.id)).status).toBe('running');
    expect(await post(callback.token, result)).toEqual({ status: 204 });
    expect((await onlyTask(request.id)).status).toBe('done');
    expect(await post(callback.token, result)).toMatchObject({ status: 409, code: 'token_used' });

    const refused = (await eventsOf(store.db, request.id))
      .filter((event) => event.kind === 'task-callback-refused')
      .map((event) => JSON.parse(event.detail ?? '{}').problem);
    expect(refused).toEqual(['wrongToken', 'badSignature', 'reusedToken']);
  });

  test('an expired callback token is refused (410) and the task is sent again once its lease runs out', async () => {
    behaviour = answerWith(202, '');
    const system = systemAt(url);
    const request = await startedAccessRequest(system);
    const runner = runnerFor(system);
    await runner.runDue();
    const waiting = await onlyTask(request.id);
    const token = JSON.parse(received[0]?.body ?? '{}').callback.token as string;
    now += 61_000;
    const timestamp = String(Math.floor(now / 1000));
    const body = JSON.stringify(logins);
    const answer = await acceptCallback(store, [system], {
      taskId: String(waiting.id),
      authorization: `Bearer ${token}`,
      timestamp,
      signature: signBody(secret, timestamp, body),
      body,
      now,
    });
    expect(answer).toMatchObject({ status: 410, code: 'token_expired' });
    behaviour = answerWith(200, body);
    expect(await runner.runDue()).toBe(1);
    expect((await onlyTask(request.id)).status).toBe('done');
    expect(received).toHaveLength(2);
  });

  test('a callback larger than its own system allows fails the task as too large (413), even where another system allows more', async () => {
    behaviour = answerWith(202, '');
    const system = systemAt(url);
    // A second webhook system with a larger limit: the route reads up to it, the task's own limit still holds.
    const roomy = { ...systemAt(url, { maxBytes: 1024 * 1024 }), id: 'archive' } as System;
    const request = await startedAccessRequest(system);
    await runnerFor(system).runDue();
    const waiting = await onlyTask(request.id);
    const token = JSON.parse(received[0]?.body ?? '{}').callback.token as string;
    const body = JSON.stringify({ tables: [{ name: 'logins', columns: ['at', 'service'], rows: [['2026-11-30T08:00:00Z', 'x'.repeat(4096)]] }] });
    const timestamp = String(Math.floor(now / 1000));
    const answer = await acceptCallback(store, [system, roomy], {
      taskId: String(waiting.id),
      authorization: `Bearer ${token}`,
      timestamp,
      signature: signBody(secret, timestamp, body),
      body,
      now,
    });
    expect(answer).toMatchObject({ status: 413, code: 'too_large' });
    const task = await onlyTask(request.id);
    expect(task.status).toBe('failed');
    expect(JSON.parse(task.error ?? '{}')).toMatchObject({ code: 'tooLarge' });
    expect(task.result).toBeNull();
  });

  const faults: [string, () => Behaviour | 'down', Record<string, unknown>, { code: string; retryable: boolean }][] = [
    ['down', () => 'down', {}, { code: 'unreachable', retryable: true }],
    [
      'slow',
      () => (_request, _body, response) => setTimeout(() => response.writeHead(200).end(JSON.stringify(logins)), 1500),
      {},
      { code: 'timeout', retryable: true },
    ],
    ['answering garbage', () => answerWith(200, '<html>Service unavailable</html>'), {}, { code: 'badAnswer', retryable: false }],
    [
      'answering too much',
      () => answerWith(200, JSON.stringify({ tables: [{ name: 'logins', columns: ['x'], rows: Array.from({ length: 400 }, () => ['0123456789']) }] })),
      {},
      { code: 'tooLarge', retryable: false },
    ],
    ['rejecting the signature', () => answerWith(401, '{"error":"bad signature"}'), {}, { code: 'signatureRejected', retryable: false }],
    ['failing with a server error', () => answerWith(503, ''), {}, { code: 'httpStatus', retryable: true }],
  ];
  for (const [name, makeBehaviour, extra, expected] of faults) {
    test(`${name}: the task fails with "${expected.code}", keeps nothing, and a retry works once the system is back`, async () => {
      const made = makeBehaviour();
      const endpoint = made === 'down' ? 'http://127.0.0.1:9/hook' : url;
      if (made !== 'down') behaviour = made;
      const system = systemAt(endpoint, extra);
      const request = await startedAccessRequest(system);
      // One automatic retry after 1 s for a fault that may pass; then the task fails for the DPO.
      const runner = runnerFor(system, [1000]);
      await runner.runDue();
      if (expected.retryable) {
        const again = await onlyTask(request.id);
        expect(again.status).toBe('pending');
        expect(JSON.parse(again.error ?? '{}').code).toBe(expected.code);
        now += 1000;
        await runner.runDue();
      }
      const failed = await onlyTask(request.id);
      expect(failed.status).toBe('failed');
      expect(JSON.parse(failed.error ?? '{}').code).toBe(expected.code);
      expect(failed.result).toBeNull();
      const attempts = (await eventsOf(store.db, request.id)).filter((event) => event.kind === 'task-attempt');
      expect(attempts).toHaveLength(expected.retryable ? 2 : 1);
      for (const attempt of attempts) expect(attempt.detail).not.toContain('anna.nowak');

      // The system is back (and answers at its real address): the DPO retries, the task is done.
      const fixed = systemAt(url, extra);
      behaviour = answerWith(200, JSON.stringify(logins));
      expect(await retryTask(store, failed.id, 'dpo:dpo@ostria.example', now)).toBeDefined();
      expect(await runnerFor(fixed).runDue()).toBe(1);
      expect((await onlyTask(request.id)).status).toBe('done');
    });
  }
});
