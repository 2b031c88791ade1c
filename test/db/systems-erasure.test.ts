import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, expect, test } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../content/systems.json' with { type: 'json' };
import { ensureSampleCustomerDatabase } from '../../scripts/support/sample-company.ts';
import { walkthroughEmail } from '../../scripts/support/sample-customers.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { createMailer } from '../../src/lib/mailer.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { readAllLocaleMessages } from '../../src/lib/portal-content.ts';
import { createRequest, eventsOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { recipientConnector } from '../../src/lib/systems/recipients.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { createTaskRunner } from '../../src/lib/systems/runner.ts';
import { sqlConnector } from '../../src/lib/systems/sql.ts';
import { tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

// An erasure reaches every system: executing it runs the customer database's erasure statements (one transaction,
// rows counted per statement) and notifies each processor the notice names, in the processor's own language (Art. 19).

const organisation = organisationSchema.parse(organisationSource);
const messages = readAllLocaleMessages(process.cwd());
let store: TestStore;
let dir: string;

beforeEach(async () => {
  store = await migratedStore();
  dir = mkdtempSync(join(tmpdir(), 'portal-erasure-systems-'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('executing an erasure erases in the customer database with counts and notifies the three processors in their languages', async () => {
  const customers = join(dir, 'customers.db');
  ensureSampleCustomerDatabase(customers);
  const database = (systemsSource.systems as Record<string, unknown>[]).filter((system) => system.id === 'customer-database');
  const systems = resolveSystems(parseSystemsRegister({ systems: database }), {
    OSTRIA_CUSTOMERS_URL: `sqlite:${customers}`,
    OSTRIA_CUSTOMERS_READ_URL: `sqlite:${customers}`,
  });
  const now = Date.parse('2026-12-04T09:00:00Z');
  // An earlier access request of the same person, answered from the customer database: its collected rows are hers.
  const access = await createRequest(store, {
    submission: requestSubmissionSchema.parse({ type: 'access', locale: 'el', name: 'Ελένη Γεωργίου', email: walkthroughEmail, declaration: true }),
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, access.reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  const accessPlan = planTasks('access', systems, []);
  expect(
    (await takeAction(store, access.reference, { action: 'start', tasks: { planned: accessPlan, today: '2026-12-04' } }, 'dpo:eleni@ostria.example', now)).ok,
  ).toBe(true);
  await createTaskRunner({
    store,
    systems,
    processors: [],
    connectors: { sql: sqlConnector() },
    clock: () => now,
    portalOrigin: 'https://privacy.ostria.example',
    retryDelaysMs: [],
  }).runDue();
  expect((await tasksOf(store.db, access.id))[0]?.result).toContain('Ελένη Γεωργίου');

  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({
      type: 'erasure',
      locale: 'el',
      name: 'Ελένη Γεωργίου',
      email: walkthroughEmail,
      scope: 'Όλα',
      grounds: 'Δεν είμαι πια πελάτισσα',
      declaration: true,
    }),
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  const dpo = 'dpo:eleni@ostria.example';
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  const planned = planTasks('erasure', systems, organisation.processors);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-04' } }, dpo, now)).ok).toBe(true);

  const outbox = join(dir, 'outbox');
  const runner = createTaskRunner({
    store,
    systems,
    processors: organisation.processors,
    connectors: {
      sql: sqlConnector(),
      email: recipientConnector({
        mailer: createMailer({ from: 'Ostria <privacy@ostria.example>', outboxDir: outbox, log: { info: () => undefined } }),
        translatorFor: (locale: Locale) => createTranslator(locale, messages[locale]),
        organisation,
      }),
    },
    clock: () => now,
    portalOrigin: 'https://privacy.ostria.example',
    retryDelaysMs: [],
  });
  // Before the erasure is executed nothing runs: the data stays until the DPO decides.
  expect(await runner.runDue()).toBe(0);
  expect((await takeAction(store, request.reference, { action: 'erase' }, dpo, now)).ok).toBe(true);
  expect(await runner.runDue()).toBe(4);

  const tasks = await tasksOf(store.db, request.id);
  expect(tasks.map((task) => [task.system, task.status])).toEqual([
    ['customer-database', 'done'],
    ['recipient:thermi-data-centres', 'done'],
    ['recipient:vistula-payments', 'done'],
    ['recipient:polder-support', 'done'],
  ]);
  expect(JSON.parse(tasks[0]?.result ?? '{}')).toEqual({ kind: 'erased', counts: { 'support-tickets': 2, mailboxes: 2, customers: 1 } });
  const sample = new Database(customers, { readonly: true });
  expect(sample.prepare('select count(*) as n from customers where email = ?').get(walkthroughEmail)).toEqual({ n: 0 });
  expect(sample.prepare("select full_name from customers where customer_ref = 'OST-10231'").get()).toEqual({ full_name: 'erased' });
  sample.close();

  const mails = await Promise.all(readdirSync(outbox).map((file) => simpleParser(readFileSync(join(outbox, file)))));
  const byRecipient = Object.fromEntries(mails.map((mail) => [mail.to && !Array.isArray(mail.to) ? mail.to.text : '', mail]));
  expect(Object.keys(byRecipient).sort()).toEqual(['iod@vistula-payments.example', 'privacy@poldersupport.example', 'privacy@thermi-dc.example']);
  expect(byRecipient['iod@vistula-payments.example']?.subject).toBe(
    `Usunięcie danych osoby, której dane dotyczą (art. 19 RODO) — żądanie ${request.reference}`,
  );
  expect(byRecipient['iod@vistula-payments.example']?.headers.get('content-language')).toBe('pl');
  expect(byRecipient['privacy@poldersupport.example']?.text).toContain('artikel 19 AVG');
  expect(byRecipient['privacy@thermi-dc.example']?.text).toContain(walkthroughEmail);
  // What the access request collected from the customer database went with the erasure.
  expect((await tasksOf(store.db, access.id))[0]?.result).toBeNull();
  // The trail has each system's outcome; none of its events carries the person's address.
  const events = await eventsOf(store.db, request.id);
  expect(events.filter((event) => event.kind === 'task-done')).toHaveLength(4);
  for (const event of events.filter((event) => event.kind.startsWith('task'))) expect(event.detail ?? '').not.toContain(walkthroughEmail);
});
