import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readReceived, startTestSmtp, type TestSmtpServer } from './mail.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from './portal.ts';
import { bannerRevision, postRefusal } from './write-load.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

// The portal runs as in production: mail through SMTP (the local outbox, for one machine, prints its links).
const refused = 'nikos.refused@example.gr';
let smtp: TestSmtpServer;
let portal: RunningPortal;
let dataDir: string;
let database: TestStoreEnvironment;

beforeAll(async () => {
  smtp = await startTestSmtp({
    // A mail server's refusal quotes the address: the portal must not copy it into its log.
    onRcptTo(address, _session, callback) {
      if (address.address === refused) callback(Object.assign(new Error(`<${refused}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      else callback();
    },
  });
  const port = smtp.port;
  dataDir = mkdtempSync(join(tmpdir(), 'portal-logs-'));
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({
    ...database.env,
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    OUTBOX_DIR: join(dataDir, 'outbox'),
    ...consentBudgetsLifted,
  });
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const submit = (email: string) =>
  fetch(`${portal.baseURL}/api/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0 (LogsTest; Chromium)' },
    body: JSON.stringify({ type: 'access', locale: 'el', name: 'Ελένη Παπαδοπούλου', email, declaration: true }),
  });

test('a request, its status page, a refused mail and consent decisions leave one JSON line per event and no address, token or id in the log', async () => {
  const email = 'eleni.logs@example.gr';
  const answer = await submit(email);
  expect(answer.status).toBe(201);
  const { reference } = (await answer.json()) as { reference: string };
  await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1);
  const mail = await readReceived(smtp.received[0] ?? '');
  const statusLink = new RegExp(`${portal.baseURL}/el/requests/${reference}\\?token=[^\\s"<>]+`).exec(mail.text)?.[0] ?? '';
  const token = new URL(statusLink).searchParams.get('token') ?? '';
  expect(token.length).toBeGreaterThan(20);
  expect((await fetch(statusLink)).status).toBe(200);
  expect((await fetch(`${portal.baseURL}/api/requests/${reference}?token=${token}x`)).status).toBe(404);

  expect((await submit(refused)).status).toBe(201);
  await expect.poll(() => portal.output(), { timeout: 10_000 }).toContain('A request email could not be sent.');

  const revision = await bannerRevision(portal.baseURL);
  const consentId = await postRefusal(portal.baseURL, revision);
  expect(typeof consentId).toBe('string');
  expect((await fetch(`${portal.baseURL}/api/consent/${String(consentId)}`)).status).toBe(200);

  const output = portal.output();
  for (const secret of [email, refused, 'Ελένη', token, String(consentId), 'LogsTest']) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
  // Everything the serving process printed (after the migrate step's own lines) is one JSON event per line.
  const served = output.slice(output.indexOf('{"time"')).trim().split('\n');
  const events = served.map((line) => JSON.parse(line) as { time: string; level: string; msg: string; reference?: string });
  for (const event of events) {
    expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    expect(['info', 'warn', 'error']).toContain(event.level);
    expect(event.msg.length).toBeGreaterThan(0);
  }
  expect(events.find((event) => event.level === 'error')).toMatchObject({ msg: 'A request email could not be sent.', error: 'EENVELOPE' });
  expect(events.map((event) => event.msg)).toContain('Portal listening.');
});
