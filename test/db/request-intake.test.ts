import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutgoingMail } from '../../src/lib/mailer.ts';
import { recordedIntakeOf } from '../../src/lib/request-intake.ts';
import { describeTrail } from '../../src/lib/request-trail.ts';
import { eventsOf, exportOf, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { getPortal } from '../../src/server/portal.ts';
import { recordReceivedRequest } from '../../src/server/request-intake.ts';
import { problemMessage } from '../../src/server/requests.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import { adoptRecordingPortal } from '../support/recording-portal.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { requestDocument } from '../../src/lib/subject-export.ts';
import { buildSubjectExportV2 } from '../../src/lib/package/subject-export-v2.ts';
import { completeRequest } from '../../src/lib/request-completion.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import organisationSource from '../../content/organisation.json' with { type: 'json' };

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const schema = (file: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../../public/schemas', file), 'utf8'));
ajv.addSchema(schema('request.v1.json'));
ajv.addSchema(schema('subject-export.v1.json'));
ajv.addSchema(schema('subject-export.v2.json'));
const validRequestDocument = ajv.getSchema('/schemas/request.v1.json') ?? ajv.compile({});
const validExport = { 1: ajv.getSchema('/schemas/subject-export.v1.json'), 2: ajv.getSchema('/schemas/subject-export.v2.json') };
const organisation = organisationSchema.parse(organisationSource);

const origin = 'https://privacy.example.test';
// 7 December 2026, 10:00 in Athens (UTC+2).
let now = Date.UTC(2026, 11, 7, 8);
let store: TestStore;
const sent: OutgoingMail[] = [];

beforeAll(async () => {
  store = await migratedStore();
  adoptRecordingPortal(store, () => now, sent);
});
afterAll(() => store.close());
beforeEach(() => {
  sent.length = 0;
});

const dpo = { email: 'dpo@example.gr' };
const letter = { type: 'access', channel: 'post', locale: 'pl', name: 'Anna Nowak', receivedOn: '2026-11-30' };

describe('recordReceivedRequest()', () => {
  test('counts the deadline from the day the letter came, across the month end, not from the day it was typed in', async () => {
    const result = await recordReceivedRequest(letter, dpo, origin);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // 30 November + one month = 30 December; + 30 days = 30 December: the earlier of both.
    expect(result.request.dueOn).toBe('2026-12-30');
    expect(result.request.receivedAt).toBe(Date.UTC(2026, 10, 29, 22));
    const january = await recordReceivedRequest({ ...letter, receivedOn: '2026-01-31' }, dpo, origin);
    // 31 January + 30 days = 2 March; + one month = 28 February: the earlier.
    expect(january.ok && january.request.dueOn).toBe('2026-02-28');
    expect(january.ok && january.request.reference).toMatch(/^DSR-2026-/);
  });

  test('keeps the channel, the receipt date and the DPO in the received event, and leaves the identity unverified', async () => {
    now = Date.UTC(2026, 11, 7, 9, 30);
    const result = await recordReceivedRequest({ ...letter, channel: 'phone', phone: '+48 600 100 200' }, dpo, origin);
    if (!result.ok) throw new Error('refused');
    const events = await eventsOf(store.db, result.request.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'received', actor: 'dpo:dpo@example.gr', occurredAt: now });
    expect(JSON.parse(events[0]?.detail ?? '{}')).toEqual({ channel: 'phone', receivedOn: '2026-11-30' });
    expect(recordedIntakeOf(events)).toEqual({ channel: 'phone', receivedOn: '2026-11-30', recordedBy: 'dpo@example.gr', recordedAt: now });
    expect(result.request).toMatchObject({ status: 'received', verifiedAt: null, verifyTokenHash: null, phone: '+48600100200' });
    const t = getPortal().translators.translatorFor('nl');
    expect(describeTrail(events, t, 'nl')[0]?.details).toEqual(['Telefonisch ontvangen op 30 november 2026']);
    // The DPO then verifies as usual, with a check of their own: there is no email link to say was clicked.
    expect(await takeAction(store, result.request.reference, { action: 'verify', method: 'email-link' }, 'dpo:dpo@example.gr', now)).toEqual({
      ok: false,
      problem: 'method',
    });
    const verified = await takeAction(store, result.request.reference, { action: 'verify', method: 'customer-account' }, 'dpo:dpo@example.gr', now);
    expect(verified.ok).toBe(true);
  });

  test('mails no one when no address is known', async () => {
    const result = await recordReceivedRequest(letter, dpo, origin);
    expect(result.ok && result.emailed).toBeUndefined();
    expect(result.ok && result.request.email).toBe('');
    expect(result.ok && result.request.emailKey).toBeNull();
    expect(sent).toEqual([]);
    // Its JSON document (the DPO's download, request.v1) says so with an empty address, and is valid.
    if (!result.ok) return;
    const document = JSON.parse(JSON.stringify(await requestDocument(store.db, result.request, 'dpo', origin, { timeZone: 'Europe/Athens', now })));
    expect(document.requester.email).toBe('');
    expect(validRequestDocument(document), JSON.stringify(validRequestDocument.errors)).toBe(true);
  });

  test('mails the requester the status link in their language, with no verification link', async () => {
    const result = await recordReceivedRequest({ ...letter, locale: 'bg', name: 'Иван Петров', email: 'ivan@example.bg' }, dpo, origin);
    if (!result.ok) throw new Error('refused');
    expect(result.emailed).toBe(true);
    expect(sent).toHaveLength(1);
    const mail = sent[0];
    expect(mail?.to).toBe('ivan@example.bg');
    expect(mail?.headers?.['Content-Language']).toBe('bg');
    expect(mail?.text).toContain('получихме по пощата');
    expect(mail?.links).toHaveLength(1);
    expect(mail?.links?.[0]).toMatch(new RegExp(`^${origin}/bg/requests/${result.request.reference}\\?token=[^&]+$`));
    expect((await findRequest(store.db, result.request.reference))?.emailKey).toBe('ivan@example.bg');
  });

  test('refuses a date after today, a missing name, an unknown channel, and a request by email without an address', async () => {
    const result = await recordReceivedRequest(
      { type: 'erasure', channel: 'fax', locale: 'nl', name: ' ', receivedOn: '2026-12-08', scope: 'Alles' },
      dpo,
      origin,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.problems).sort()).toEqual(['channel', 'grounds', 'name', 'receivedOn']);
    expect(problemMessage(result.problems.receivedOn ?? { problem: 'invalid' }, 'el')).toBe('Η ημερομηνία δεν μπορεί να είναι μεταγενέστερη της σημερινής.');
    const byEmail = await recordReceivedRequest({ ...letter, channel: 'email', receivedOn: '2026-12-07' }, dpo, origin);
    expect(!byEmail.ok && byEmail.problems).toEqual({ email: { problem: 'required' } });
    const noDate = await recordReceivedRequest({ ...letter, receivedOn: '' }, dpo, origin);
    expect(!noDate.ok && noDate.problems).toEqual({ receivedOn: { problem: 'required' } });
    const badDate = await recordReceivedRequest({ ...letter, receivedOn: '2026-02-30' }, dpo, origin);
    expect(!badDate.ok && badDate.problems).toEqual({ receivedOn: { problem: 'date' } });
  });

  test('accepts a receipt date whose deadline has passed: the request is due on that date, already late', async () => {
    const result = await recordReceivedRequest({ ...letter, receivedOn: '2026-10-01' }, dpo, origin);
    expect(result.ok && result.request.dueOn).toBe('2026-10-31');
    expect(result.ok && result.request.dueAt < now).toBe(true);
  });

  test('answers an access request recorded without an address with an export of that request, valid in both versions', async () => {
    const result = await recordReceivedRequest({ ...letter, customerReference: 'OST-7781' }, dpo, origin);
    if (!result.ok) throw new Error('refused');
    const { reference } = result.request;
    const actor = 'dpo:dpo@example.gr';
    await takeAction(store, reference, { action: 'verify', method: 'identity-document' }, actor, now);
    await takeAction(store, reference, { action: 'start' }, actor, now);
    const completed = await completeRequest(store, { reference, message: 'Odpowiedź w załączeniu.', actor, now, organisation, portalOrigin: origin });
    expect(completed.ok).toBe(true);
    const stored = await exportOf(store.db, result.request.id);
    const exported = JSON.parse(stored?.content ?? '{}');
    expect(validExport[1]?.(exported), JSON.stringify(validExport[1]?.errors)).toBe(true);
    expect(exported.subject.email).toBe('');
    expect(exported.requests.map((entry: { reference: string; linkedBy: string }) => [entry.reference, entry.linkedBy])).toEqual([[reference, 'request']]);
    // Other requests without an address are other people's: none of them joins.
    expect(exported.requests).toHaveLength(1);
    const request = await findRequest(store.db, reference);
    if (!request) throw new Error('gone');
    const v2 = JSON.parse(
      JSON.stringify(await buildSubjectExportV2(store.db, { email: '', request, organisation, portalOrigin: origin, now, requestId: request.id, systems: [] })),
    );
    expect(validExport[2]?.(v2), JSON.stringify(validExport[2]?.errors)).toBe(true);
    expect(v2.requests).toHaveLength(1);
  });
});
