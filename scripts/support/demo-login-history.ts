// The sample company's login-history system, served by `npm run demo` (scripts/demo-server.mjs) at
// POST /systems/login-history: a webhook system of content/systems.json as the README's protocol describes it. It
// checks the portal's signature, takes the task (202), and about 1.5 s later posts its result to the callback with the
// task's token and its own signature: the requester's logins (network prefixes, never a full address), or the count of
// those it erased. Its data is made up from the sample customers and kept in memory.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readEnvironment } from '../../src/lib/environment.ts';
import { readPortalSecret } from '../../src/lib/portal-secret.ts';
import { signBody, verifySignature } from '../../src/lib/systems/webhook-signature.ts';
import { loopbackWebhookSecret } from '../../src/server/portal.ts';
import { sampleCustomers } from './sample-customers.ts';

const services = ['webmail', 'imap', 'control panel'] as const;
const networks: Record<string, string> = { GR: '203.0.113.0/24', BG: '198.51.100.0/24', NL: '192.0.2.0/24', PL: '203.0.113.128/25' };

/** Three logins per sample customer in the last weeks, the same on every run. */
function loginsOf(email: string): (string | null)[][] {
  const index = sampleCustomers.findIndex((customer) => customer.email === email);
  const customer = sampleCustomers[index];
  if (!customer) return [];
  return [0, 1, 2].map((n) => [
    new Date(Date.UTC(2026, 10, 3 + n * 9 + index, 7 + n * 3, 12 + index)).toISOString(),
    services[(index + n) % services.length] ?? 'webmail',
    networks[customer.country] ?? null,
    customer.country,
  ]);
}

const label = { el: 'Συνδέσεις', bg: 'Влизания', nl: 'Aanmeldingen', pl: 'Logowania' };
/** What the person reads above each column of the package's table. */
const columnLabels = {
  at: { el: 'Χρόνος', bg: 'Време', nl: 'Tijdstip', pl: 'Czas' },
  service: { el: 'Υπηρεσία', bg: 'Услуга', nl: 'Dienst', pl: 'Usługa' },
  network: { el: 'Δίκτυο', bg: 'Мрежа', nl: 'Netwerk', pl: 'Sieć' },
  country: { el: 'Χώρα', bg: 'Държава', nl: 'Land', pl: 'Kraj' },
};

interface Message {
  task: number;
  action: 'collect' | 'erase' | 'restrict' | 'forward';
  identifiers: { email: string | null };
  callback: { url: string; token: string };
}

/** The secret the portal signs with: OSTRIA_LOGIN_HISTORY_SECRET, else the one derived from the portal secret. */
function webhookSecret(): string {
  return process.env.OSTRIA_LOGIN_HISTORY_SECRET?.trim() || loopbackWebhookSecret(readPortalSecret(readEnvironment(process.env)), 'login-history');
}

export function loginHistorySystem({ delayMs = 1500, log = (line: string) => console.log(line) } = {}) {
  const erased = new Set<string>();
  let secret: string | undefined;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') return void response.writeHead(405, { Allow: 'POST' }).end();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) return void response.writeHead(413).end();
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    secret ??= webhookSecret();
    const refused = verifySignature(
      secret,
      request.headers['x-portal-timestamp'] as string | undefined,
      request.headers['x-portal-signature'] as string | undefined,
      body,
      Date.now(),
    );
    if (refused) {
      log(`login-history: refused a message (${refused})`);
      return void response.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: refused }));
    }
    const message = JSON.parse(body) as Message;
    response.writeHead(202).end();
    log(`login-history: task ${message.task} (${message.action}) taken`);
    setTimeout(() => void answer(message, secret ?? '', erased, log), delayMs).unref();
  };
}

async function answer(message: Message, secret: string, erased: Set<string>, log: (line: string) => void) {
  const email = message.identifiers.email ?? '';
  let result: unknown;
  if (message.action === 'collect') {
    result = {
      tables: [{ name: 'logins', label, columns: ['at', 'service', 'network', 'country'], columnLabels, rows: erased.has(email) ? [] : loginsOf(email) }],
    };
  } else if (message.action === 'erase') {
    const count = erased.has(email) ? 0 : loginsOf(email).length;
    erased.add(email);
    result = { counts: { logins: count } };
  } else {
    result = { done: true, note: 'Recorded for the login-history system.' };
  }
  const text = JSON.stringify(result);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const sent = await fetch(message.callback.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${message.callback.token}`,
        'X-Portal-Timestamp': String(timestamp),
        'X-Portal-Signature': signBody(secret, timestamp, text),
      },
      body: text,
    });
    log(`login-history: task ${message.task} answered, the portal said ${sent.status}`);
  } catch (error) {
    log(`login-history: task ${message.task} could not be answered (${error instanceof Error ? error.message : 'error'})`);
  }
}
