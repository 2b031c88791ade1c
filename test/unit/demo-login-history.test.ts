// The sample company's login-history system (npm run demo) speaks the webhook protocol: a message without the
// portal's signature is refused; a signed one is taken (202) and its result posted to the callback with the task's
// token and the system's own signature: the walkthrough customer's logins (network prefixes only), then, after an
// erasure, none.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loginHistorySystem } from '../../scripts/support/demo-login-history.ts';
import { walkthroughEmail } from '../../scripts/support/sample-customers.ts';
import { signBody, verifySignature } from '../../src/lib/systems/webhook-signature.ts';

const secret = 'the-sample-login-history-secret-for-tests';
const callbacks: { authorization: string | undefined; timestamp: string; signature: string; body: string }[] = [];
let system: Server;
let portal: Server;
let systemUrl: string;
let callbackUrl: string;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  process.env.OSTRIA_LOGIN_HISTORY_SECRET = secret;
  const handle = loginHistorySystem({ delayMs: 10, log: () => undefined });
  system = createServer((request, response) => void handle(request, response));
  portal = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      callbacks.push({
        authorization: request.headers.authorization,
        timestamp: request.headers['x-portal-timestamp'] as string,
        signature: request.headers['x-portal-signature'] as string,
        body,
      });
      response.writeHead(204).end();
    });
  });
  systemUrl = `${await listen(system)}/systems/login-history`;
  callbackUrl = `${await listen(portal)}/api/tasks/1/result`;
});
afterAll(() => {
  delete process.env.OSTRIA_LOGIN_HISTORY_SECRET;
  system.close();
  portal.close();
});

function send(action: string, signedWith = secret) {
  const body = JSON.stringify({
    version: 1,
    task: 1,
    action,
    identifiers: { email: walkthroughEmail },
    callback: { url: callbackUrl, token: 'the-task-token-0123456789' },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(systemUrl, { method: 'POST', body, headers: { 'X-Portal-Timestamp': timestamp, 'X-Portal-Signature': signBody(signedWith, timestamp, body) } });
}

const nextCallback = async (count: number) => {
  await expect.poll(() => callbacks.length).toBe(count);
  const callback = callbacks[count - 1];
  if (!callback) throw new Error('no callback');
  expect(callback.authorization).toBe('Bearer the-task-token-0123456789');
  expect(verifySignature(secret, callback.timestamp, callback.signature, callback.body, Date.now())).toBeUndefined();
  return JSON.parse(callback.body);
};

test('a message not signed with the secret is refused; a signed one is answered through the callback', async () => {
  expect((await send('collect', 'someone else’s secret, long enough')).status).toBe(401);
  expect((await send('collect')).status).toBe(202);
  const collected = await nextCallback(1);
  const rows = collected.tables[0].rows as string[][];
  expect(rows).toHaveLength(3);
  for (const row of rows) expect(row[2]).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);

  expect((await send('erase')).status).toBe(202);
  expect(await nextCallback(2)).toEqual({ counts: { logins: 3 } });
  expect((await send('collect')).status).toBe(202);
  expect((await nextCallback(3)).tables[0].rows).toEqual([]);
});
