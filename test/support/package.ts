// A real package, made the way the DPO's completion makes it: an access or portability request from the person's own
// browser, every system's task closed (two with data, one not applicable), a file attached, completed with the
// package sources. For the db tests of its schema and the browser tests of its readable document.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { expect } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../content/systems.json' with { type: 'json' };
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };
import type { Store } from '../../db/store.ts';
import { requestFiles } from '../../db/tables.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildCatalog } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';
import { completeRequest } from '../../src/lib/request-completion.ts';
import { createRequest, exportOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { parseSystemsRegister, resolveSystems } from '../../src/lib/systems/register.ts';
import { planTasks, taskChannels, type CollectedTable } from '../../src/lib/systems/tasks.ts';
import { claimDueTasks, markTaskNotApplicable, recordAttempt, tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { consentDecision } from './consent-decision.ts';

const organisation = organisationSchema.parse(organisationSource);
const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const catalogue = buildCatalog(readPolicyTexts(join(import.meta.dirname, '../../content/policies')));
const messages = { el, bg, nl, pl };
const translatorFor = (locale: Locale) => createTranslator(locale, messages[locale]);
export const portalOrigin = 'https://privacy.ostria.example';

const dpo = 'dpo:eleni@ostria.example';
const received = Date.parse('2026-12-03T09:00:00Z');
const startedAt = received + 3_600_000;
const completedAt = received + 86_400_000;
const consentId = 'kkkkkkkkkkkkkkkkkkkkkk';
export const attachedPdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** What the customer database and the login history answered for Katarzyna. */
const collected: Record<string, CollectedTable[]> = {
  'customer-database': [
    {
      name: 'customers',
      label: { el: 'Λογαριασμός πελάτη', bg: 'Клиентски акаунт', nl: 'Klantaccount', pl: 'Konto klienta' },
      columns: ['customer_ref', 'full_name', 'email', 'phone', 'country'],
      rows: [['C-1042', 'Katarzyna Wiśniewska', 'kasia@example.pl', '+48125550461', 'PL']],
    },
    {
      name: 'invoices',
      label: { el: 'Τιμολόγια', bg: 'Фактури', nl: 'Facturen', pl: 'Faktury' },
      columns: ['number', 'issued_on', 'amount_eur', 'status'],
      rows: [
        ['INV-2026-0311', '2026-03-01', 12.4, 'paid'],
        ['INV-2026-0412', '2026-04-01', 12.4, null],
      ],
    },
    {
      name: 'support-tickets',
      label: { el: 'Αιτήματα υποστήριξης', bg: 'Заявки към поддръжката', nl: 'Supportverzoeken', pl: 'Zgłoszenia do pomocy technicznej' },
      columns: ['opened_on', 'subject', 'body'],
      rows: [['2026-05-02', '=HYPERLINK("http://evil.example")', 'Skrzynka, "kasia@", nie działa\n<script>alert(1)</script>']],
    },
    // An empty table is left out: the person never sees a table with nothing in it.
    { name: 'mailboxes', label: null, columns: ['address'], rows: [] },
  ],
  'login-history': [
    { name: 'logins', label: null, columns: ['at', 'ip', 'details'], rows: [['2026-11-30T08:00:00Z', '192.0.2.1', { country: 'PL', ok: true }]] },
  ],
};

/** An access or portability request from Katarzyna's own browser, in `locale`, worked by the DPO with every system's task closed and a file attached. */
export async function answeredRequest(store: Store, type: 'access' | 'portability', locale: Locale = 'pl') {
  await appendConsentRecord(store, consentDecision(consentId, received - 86_400_000, true, { locale: 'pl' }));
  await recordSignup(store, {
    channel: 'email',
    address: 'kasia@example.pl',
    locale: 'pl',
    consentId,
    policyVersion: 3,
    wording: 'Chcę otrzymywać wiadomości o nowych usługach.',
    confirmTokenHash: newToken().hash,
    now: received - 3_600_000,
  });
  const submission = requestSubmissionSchema.parse({
    type,
    locale,
    name: 'Katarzyna Wiśniewska',
    email: 'kasia@example.pl',
    customerReference: 'C-1042',
    phone: '+48 12 555 04 61',
    consentId,
    details: 'Wszystko, co macie.',
    declaration: true,
  });
  const request = await createRequest(store, {
    submission,
    now: received,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received + 1000)).ok).toBe(true);
  const planned = planTasks(type, systems, organisation.processors);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-03' } }, dpo, startedAt)).ok).toBe(true);
  for (const task of await claimDueTasks(store, startedAt + 1000, 60_000, 20, taskChannels)) {
    const tables = collected[task.system];
    if (!tables) continue;
    const outcome = { kind: 'done' as const, result: { kind: 'collected' as const, tables, collectedAt: startedAt + 1000 } };
    expect(await recordAttempt(store, { task, outcome, now: startedAt + 1000, facts: {}, retryDelayMs: undefined })).toBe(true);
  }
  const manual = (await store.read((db) => tasksOf(db, request.id))).find((task) => task.status !== 'done');
  expect(manual).toBeDefined();
  expect(await markTaskNotApplicable(store, manual?.id ?? 0, 'Brak umów papierowych', dpo, startedAt + 2000)).toBeDefined();
  await store.transaction(async (tx) => {
    await tx.insert(requestFiles).values({
      requestId: request.id,
      taskId: null,
      origin: 'dpo',
      name: 'umowa 2024/03.pdf',
      mediaType: 'application/pdf',
      size: attachedPdf.length,
      sha256: createHash('sha256').update(attachedPdf).digest('hex'),
      contentBase64: attachedPdf.toString('base64'),
      createdAt: startedAt + 3000,
    });
  });
  const completion = await completeRequest(store, {
    reference: request.reference,
    message: 'W załączniku Twoje dane.',
    actor: dpo,
    now: completedAt,
    organisation,
    portalOrigin,
    packageSources: { systems, catalogue, translatorFor },
  });
  expect(completion.ok).toBe(true);
  const stored = await store.read((db) => exportOf(db, request.id));
  expect(stored?.packageBase64).toBeTruthy();
  const zip = unzipSync(Buffer.from(stored?.packageBase64 ?? '', 'base64'));
  return { request, stored, zip, data: JSON.parse(strFromU8(zip['data.json'] ?? new Uint8Array())) as Record<string, unknown> };
}
