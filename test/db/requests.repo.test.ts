import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import { NestedStoreAccessError, type Executor } from '../../db/store.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { recordSignup } from '../../src/lib/marketing.repo.ts';
import { confirmedSignup } from '../support/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import {
  createRequest,
  eventsOf,
  exportOf,
  findRequest,
  findRequestForRequester,
  takeAction,
  verificationMethodOf,
  verificationPending,
  verifyByEmailLink,
} from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, verificationLifetimeMs } from '../../src/lib/requests.ts';
import { buildSubjectExport, requestDocument } from '../../src/lib/subject-export.ts';
import organisationSource from '../../content/organisation.json' with { type: 'json' };

const organisation = organisationSchema.parse(organisationSource);
const schemaDir = join(import.meta.dirname, '../../public/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, 'request.v1.json'), 'utf8')));
ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, 'subject-export.v1.json'), 'utf8')));
const validRequestDocument = ajv.getSchema('/schemas/request.v1.json');
const validSubjectExport = ajv.getSchema('/schemas/subject-export.v1.json');

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const consentId = 'cccccccccccccccccccccc';
const received = Date.parse('2026-11-20T10:15:00Z');

/** A request as the form sends it; `fromBrowser` when the sending browser's own consent cookie holds its consent id. */
async function submit(input: Record<string, unknown>, now = received, fromBrowser = false) {
  const status = newToken();
  const verify = newToken();
  const submission = requestSubmissionSchema.parse({ locale: 'pl', name: 'Anna Nowak', email: 'anna@example.pl', declaration: true, ...input });
  const request = await createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => status.hash,
    verifyTokenHash: verify.hash,
    consentIdLinkedBy: fromBrowser ? 'browser' : null,
  });
  return { request, status: status.token, verify: verify.token };
}

describe('requests', () => {
  test('a submitted request has a reference, the deadline, hashed tokens and a received event', async () => {
    const { request, status, verify } = await submit({ type: 'access', consentId });
    expect(request.reference).toMatch(/^DSR-2026-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(request).toMatchObject({ status: 'received', dueOn: '2026-12-20', dueAt: Date.parse('2026-12-20T21:59:59.999Z') });
    expect(request.statusTokenHash).toBe(hashToken(status));
    expect(request.verifyTokenHash).toBe(hashToken(verify));
    expect(JSON.stringify(await store.rows('select * from requests'))).not.toContain(status);
    expect((await eventsOf(db, request.id)).map((event) => [event.kind, event.actor])).toEqual([['received', 'requester']]);
  });

  test('a reference already taken is drawn again: the unique index refuses it and the request gets the next one', async () => {
    const { request: first } = await submit({ type: 'access' });
    const drawn = [first.reference, 'DSR-2026-ABCDEF'];
    const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Jan Kowalski', email: 'jan@example.pl', declaration: true });
    const second = await createRequest(store, {
      submission,
      now: received,
      timeZone: 'Europe/Athens',
      statusTokenHashFor: (reference) => hashToken(`status:${reference}`),
      verifyTokenHash: newToken().hash,
      drawReference: () => drawn.shift() ?? 'DSR-2026-ZZZZZZ',
    });
    expect(second.reference).toBe('DSR-2026-ABCDEF');
    expect(drawn).toEqual([]);
    expect((await eventsOf(db, second.id)).map((event) => event.kind)).toEqual(['received']);
  });

  test('the status page opens only with the right token', async () => {
    const { request, status } = await submit({ type: 'access' });
    expect((await findRequestForRequester(db, request.reference, status))?.id).toBe(request.id);
    expect(await findRequestForRequester(db, request.reference, `${status.slice(0, -1)}x`)).toBeUndefined();
    expect(await findRequestForRequester(db, request.reference, null)).toBeUndefined();
    expect(await findRequestForRequester(db, 'DSR-2026-000000', status)).toBeUndefined();
  });

  test('the email link verifies once, within 72 hours', async () => {
    const first = await submit({ type: 'access' });
    expect(verificationPending(first.request, first.verify, received + 1000)).toBe('pending');
    expect(await verifyByEmailLink(store, first.request, 'wrong', received + 1000)).toBe('invalid');
    expect(await verifyByEmailLink(store, first.request, first.verify, received + 1000)).toBe('verified');
    const verified = await findRequest(db, first.request.reference);
    expect(verified).toMatchObject({ status: 'verified', verifiedAt: received + 1000, verifyTokenHash: null });
    expect(await verifyByEmailLink(store, verified!, first.verify, received + 2000)).toBe('already-verified');
    expect((await eventsOf(db, first.request.id)).map((event) => event.kind)).toEqual(['received', 'identity-verified']);

    const late = await submit({ type: 'access' });
    expect(await verifyByEmailLink(store, late.request, late.verify, received + verificationLifetimeMs + 1)).toBe('expired');
    expect((await findRequest(db, late.request.reference))?.status).toBe('received');
  });

  test('the export is built inside the completion: a completion refused builds nothing, a failing export completes nothing', async () => {
    const { request } = await submit({ type: 'access' });
    const seen: boolean[] = [];
    const exporter = async () => {
      // Inside the completion's transaction the store refuses to be entered again, on either store.
      seen.push(await store.read(() => false).catch((error: unknown) => error instanceof NestedStoreAccessError));
      return '{"a":1}';
    };
    expect(await takeAction(store, request.reference, { action: 'complete', message: 'Done', exportContent: exporter }, 'dpo:x', received + 1)).toEqual({
      ok: false,
      problem: 'status',
    });
    expect(seen).toEqual([]);
    await takeAction(store, request.reference, { action: 'verify', method: 'customer-account' }, 'dpo:x', received + 2);
    await takeAction(store, request.reference, { action: 'start' }, 'dpo:x', received + 3);
    const failing = async () => {
      throw new Error('the export could not be built');
    };
    await expect(takeAction(store, request.reference, { action: 'complete', message: 'Done', exportContent: failing }, 'dpo:x', received + 4)).rejects.toThrow(
      /could not be built/,
    );
    expect((await findRequest(db, request.reference))?.status).toBe('in-progress');
    expect(await exportOf(db, request.id)).toBeUndefined();
    expect(await takeAction(store, request.reference, { action: 'complete', message: 'Done', exportContent: exporter }, 'dpo:x', received + 5)).toMatchObject({
      ok: true,
    });
    expect(seen).toEqual([true]);
    expect((await exportOf(db, request.id))?.content).toBe('{"a":1}');
  });

  test('an action and its audit event are written together; illegal ones change nothing', async () => {
    const { request } = await submit({ type: 'access' });
    expect(await takeAction(store, request.reference, { action: 'complete', message: 'Done' }, 'dpo:dpo@ostria.example', received)).toEqual({
      ok: false,
      problem: 'status',
    });
    expect(await takeAction(store, request.reference, { action: 'verify', method: 'customer-account' }, 'dpo:dpo@ostria.example', received + 1)).toMatchObject({
      ok: true,
    });
    expect(
      await takeAction(store, request.reference, { action: 'extend', months: 3, reason: 'Complex', timeZone: 'Europe/Athens' }, 'dpo:x', received + 2),
    ).toEqual({ ok: false, problem: 'months' });
    expect(
      await takeAction(store, request.reference, { action: 'extend', months: 1, reason: 'Complex', timeZone: 'Europe/Athens' }, 'dpo:x', received + 2),
    ).toMatchObject({ ok: true, request: { dueOn: '2027-01-20', extensionDays: 31 } });
    expect(
      await takeAction(store, request.reference, { action: 'extend', months: 1, reason: 'Again', timeZone: 'Europe/Athens' }, 'dpo:x', received + 3),
    ).toEqual({ ok: false, problem: 'alreadyExtended' });
    await takeAction(store, request.reference, { action: 'start' }, 'dpo:x', received + 4);
    const done = await takeAction(
      store,
      request.reference,
      { action: 'complete', message: 'Your data is attached.', exportContent: async () => '{"a":1}' },
      'dpo:x',
      received + 5,
    );
    expect(done).toMatchObject({ ok: true, request: { status: 'completed', closedAt: received + 5, outcome: 'Your data is attached.' } });
    expect(await exportOf(db, request.id)).toMatchObject({ content: '{"a":1}', expiresAt: received + 5 + 7 * 24 * 3600_000 });
    expect((await eventsOf(db, request.id)).map((event) => event.kind)).toEqual(['received', 'identity-verified', 'extended', 'started', 'completed']);
  });

  test('the phone number a requester gives is stored in the form the DPO’s search compares, and none is null', async () => {
    const { request } = await submit({ type: 'access', phone: ' +48 600-100-200 ' });
    expect((await findRequest(db, request.reference))?.phone).toBe('+48600100200');
    expect(await store.rows('select phone from requests where id = ?', request.id)).toEqual([{ phone: '+48600100200' }]);
    const { request: without } = await submit({ type: 'access', email: 'jan@example.pl' });
    expect((await findRequest(db, without.reference))?.phone).toBeNull();
  });

  test('over the email click the DPO records a stronger check once; it keeps the status and when the identity was first verified', async () => {
    const first = await submit({ type: 'access', customerReference: 'OST-10231' });
    expect(await verifyByEmailLink(store, first.request, first.verify, received + 1000)).toBe('verified');
    const reference = first.request.reference;
    // The email click again, or the DPO picking it: not a stronger check.
    expect(await takeAction(store, reference, { action: 'verify', method: 'email-link' }, 'dpo:x', received + 2000)).toEqual({ ok: false, problem: 'method' });
    const stronger = await takeAction(
      store,
      reference,
      { action: 'verify', method: 'customer-account', note: 'Λογαριασμός OST-10231' },
      'dpo:x',
      received + 3000,
    );
    expect(stronger).toMatchObject({ ok: true, request: { status: 'verified', verifiedAt: received + 1000 } });
    expect(await verificationMethodOf(db, first.request.id)).toBe('customer-account');
    expect(await takeAction(store, reference, { action: 'verify', method: 'identity-document' }, 'dpo:x', received + 4000)).toEqual({
      ok: false,
      problem: 'status',
    });
    const verifications = (await eventsOf(db, first.request.id)).filter((event) => event.kind === 'identity-verified');
    expect(verifications.map((event) => [event.actor, JSON.parse(event.detail ?? '{}').method])).toEqual([
      ['requester', 'email-link'],
      ['dpo:x', 'customer-account'],
    ]);

    // Once started, too: the systems' next attempts get the customer reference.
    const second = await submit({ type: 'access' });
    expect(await verifyByEmailLink(store, second.request, second.verify, received + 1000)).toBe('verified');
    expect((await takeAction(store, second.request.reference, { action: 'start' }, 'dpo:x', received + 2000)).ok).toBe(true);
    expect(await takeAction(store, second.request.reference, { action: 'verify', method: 'identity-document' }, 'dpo:x', received + 3000)).toMatchObject({
      ok: true,
      request: { status: 'in-progress' },
    });
  });

  test('the audit trail is append-only', async () => {
    const { request } = await submit({ type: 'access' });
    await expect(store.run('update request_events set actor = ? where request_id = ?', 'someone', request.id)).rejects.toThrow(/append-only/);
    await expect(store.run('delete from request_events where request_id = ?', request.id)).rejects.toThrow(/append-only/);
  });
});

describe('JSON exports validate against the published schemas', () => {
  test('a single request, as the requester and the DPO see it', async () => {
    const { request } = await submit({
      type: 'rectification',
      inaccurateData: '<b>ul. Długa 1</b>',
      correctData: 'ul. Długa 12',
      customerReference: 'C-1',
      phone: '+48 (600) 100-200',
      consentId,
    });
    await takeAction(
      store,
      request.reference,
      { action: 'extend', months: 2, reason: 'Złożona sprawa', timeZone: 'Europe/Athens' },
      'dpo:dpo@ostria.example',
      received + 1,
    );
    for (const audience of ['requester', 'dpo'] as const) {
      const document = JSON.parse(
        JSON.stringify(
          await requestDocument(db, (await findRequest(db, request.reference))!, audience, 'https://privacy.ostria.example', {
            timeZone: 'Europe/Athens',
            now: received + 2,
          }),
        ),
      );
      expect(validRequestDocument?.(document), JSON.stringify(validRequestDocument?.errors)).toBe(true);
      expect(document.submitted.inaccurateData).toBe('<b>ul. Długa 1</b>');
      expect(document.requester).toMatchObject({ customerReference: 'C-1', phone: '+48600100200' });
      expect(document.events.at(-1).actor).toBe(audience === 'dpo' ? 'dpo:dpo@ostria.example' : 'dpo');
    }
  });

  async function seedSubject(fromBrowser: boolean) {
    await appendConsentRecord(store, {
      consentId,
      siteId: 'portal',
      origin: 'https://privacy.ostria.example',
      recordedAt: received - 5000,
      action: 'custom',
      source: 'preferences',
      preferences: false,
      analytics: true,
      marketing: false,
      locale: 'pl',
      policyDocument: 'cookie-policy',
      policyVersion: 1,
      textHash: 'a'.repeat(64),
      bannerVersion: 'b1',
      revision: 'r1',
      expiresAt: received + 1e10,
      gpcSignal: false,
    });
    await recordSignup(store, {
      channel: 'email',
      address: 'anna@example.pl',
      locale: 'pl',
      consentId: undefined,
      policyVersion: 2,
      wording: 'Chcę otrzymywać…',
      confirmTokenHash: 'f'.repeat(64),
      now: received - 4000,
    });
    await confirmedSignup(store, { channel: 'sms', address: '+48600100200', locale: 'pl', consentId, policyVersion: 2, wording: 'SMS…', now: received - 3000 });
    await confirmedSignup(store, {
      channel: 'email',
      address: 'someone@else.example',
      locale: 'pl',
      consentId: undefined,
      policyVersion: 2,
      wording: 'x',
      now: received - 3000,
    });
    const first = (await submit({ type: 'access', consentId }, received, fromBrowser)).request;
    await takeAction(store, first.reference, { action: 'verify', method: 'email-link' }, 'requester', received + 1);
    await submit({ type: 'erasure', scope: 'Wszystko', grounds: 'Cofam zgodę' });
    (await submit({ type: 'access' }, received)).request;
    await store.run("update requests set email = 'other@example.pl', email_key = 'other@example.pl' where id = 3");
    return first;
  }

  test('everything about a subject: requests by address, consent records and SMS consents by a proven consent id, email consents by address', async () => {
    const first = await seedSubject(true);
    const exported = JSON.parse(
      JSON.stringify(
        await buildSubjectExport(db, { email: 'anna@example.pl', organisation, portalOrigin: 'https://privacy.ostria.example', now: received + 10 }),
      ),
    );
    expect(validSubjectExport?.(exported), JSON.stringify(validSubjectExport?.errors)).toBe(true);
    expect(exported.subject).toEqual({
      email: 'anna@example.pl',
      consentIds: [consentId],
      consentIdLinks: [{ consentId, provenBy: 'browser', request: first.reference }],
    });
    expect(exported.requests.map((request: { type: string; linkedBy: string }) => [request.type, request.linkedBy])).toEqual([
      ['access', 'address'],
      ['erasure', 'address'],
    ]);
    expect(exported.consentRecords).toHaveLength(1);
    expect(exported.consentRecords[0]).toMatchObject({ consentId, granted: ['necessary', 'analytics'], linkedBy: 'consentId' });
    expect(exported.marketing.map((entry: { channel: string; status: string; linkedBy: string }) => [entry.channel, entry.status, entry.linkedBy])).toEqual([
      ['email', 'pending', 'address'],
      ['sms', 'confirmed', 'consentId'],
    ]);
  });

  test('a consent id only typed into the request brings neither its consent records nor the SMS consent made with it', async () => {
    await seedSubject(false);
    const exported = JSON.parse(
      JSON.stringify(
        await buildSubjectExport(db, { email: 'anna@example.pl', organisation, portalOrigin: 'https://privacy.ostria.example', now: received + 10 }),
      ),
    );
    expect(validSubjectExport?.(exported), JSON.stringify(validSubjectExport?.errors)).toBe(true);
    expect(exported.subject).toEqual({ email: 'anna@example.pl', consentIds: [], consentIdLinks: [] });
    expect(exported.consentRecords).toEqual([]);
    expect(exported.marketing.map((entry: { channel: string }) => entry.channel)).toEqual(['email']);
    // The request still says what was typed, and that it links nothing.
    expect(exported.requests[0].requester).toMatchObject({ consentId, consentIdLinkedBy: null });
  });

  test('the requester never reads the DPO’s internal notes; the DPO reads every one', async () => {
    const { request } = await submit({ type: 'access' });
    const dpo = 'dpo:dpo@ostria.example';
    await takeAction(
      store,
      request.reference,
      { action: 'verify', method: 'identity-document', note: 'Paszport AB123 – notatka wewnętrzna' },
      dpo,
      received + 1,
    );
    await takeAction(store, request.reference, { action: 'note', text: 'Rozmowa telefoniczna – wewnętrzna' }, dpo, received + 2);
    await takeAction(store, request.reference, { action: 'extend', months: 1, reason: 'Archiwum', timeZone: 'Europe/Athens' }, dpo, received + 3);
    const stored = (await findRequest(db, request.reference))!;
    const forRequester = await requestDocument(db, stored, 'requester', 'https://p.example', { timeZone: 'Europe/Athens', now: received + 4 });
    expect(validRequestDocument?.(JSON.parse(JSON.stringify(forRequester))), JSON.stringify(validRequestDocument?.errors)).toBe(true);
    expect(JSON.stringify(forRequester)).not.toContain('wewnętrzna');
    expect(JSON.stringify(forRequester)).not.toContain('dpo@ostria.example');
    expect(forRequester.events.map((event) => [event.kind, event.detail])).toEqual([
      ['received', null],
      ['identity-verified', { method: 'identity-document' }],
      ['extended', { months: 1, days: 31, reason: 'Archiwum', dueOn: stored.dueOn, firstDueOn: '2026-12-20' }],
    ]);
    const forDpo = JSON.stringify(await requestDocument(db, stored, 'dpo', 'https://p.example', { timeZone: 'Europe/Athens', now: received + 4 }));
    expect(forDpo).toContain('Paszport AB123 – notatka wewnętrzna');
    expect(forDpo).toContain('Rozmowa telefoniczna – wewnętrzna');
  });

  test('the schema catches a drifted export', async () => {
    const exported = JSON.parse(
      JSON.stringify(await buildSubjectExport(db, { email: 'anna@example.pl', organisation, portalOrigin: 'https://p.example', now: received })),
    );
    expect(validSubjectExport?.(exported)).toBe(true);
    expect(validSubjectExport?.({ ...exported, extra: 1 })).toBe(false);
    expect(validSubjectExport?.({ ...exported, requests: [{ reference: 'nope' }] })).toBe(false);
  });
});
