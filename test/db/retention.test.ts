import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { latestAuditEvents } from '../../src/lib/audit.repo.ts';
import { appendConsentRecord, consentHistory, verifyConsentChain } from '../../src/lib/consent.repo.ts';
import { lookUpConsent } from '../../src/lib/consent-lookup.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { describeTrail } from '../../src/lib/request-trail.ts';
import { applyRetention, type RetentionRun } from '../../src/lib/retention.repo.ts';
import { createRequest, eventsOf, exportOf, findRequest, findRequestForRequester, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { requestDocument } from '../../src/lib/subject-export.ts';
import { findByConsentId, findSubject } from '../../src/lib/subject.repo.ts';
import { readMessages } from '../../scripts/support/content.ts';
import { consentDecision } from '../support/consent-decision.ts';

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const day = 24 * 60 * 60 * 1000;
const timeZone = 'Europe/Athens';
// 36 months before 1 December 2029 in Athens: the cutoff is 2026-12-01T00:00+02:00.
const now = Date.parse('2029-12-01T10:00:00Z');
const run = async (overrides: Partial<RetentionRun> = {}) =>
  await applyRetention(store, { now, timeZone, retention: { consentRecordsMonths: 36, closedRequestsMonths: 36 }, ...overrides });

const ids = {
  anna: 'aaaaaaaaaaaaaaaaaaaaaa',
  boris: 'bbbbbbbbbbbbbbbbbbbbbb',
  chris: 'cccccccccccccccccccccc',
  dora: 'dddddddddddddddddddddd',
  eva: 'eeeeeeeeeeeeeeeeeeeeee',
  filip: 'ffffffffffffffffffffff',
};
const decide = async (consentId: string, at: string, lifetimeDays: number) =>
  await appendConsentRecord(store, consentDecision(consentId, Date.parse(at), true, { expiresAt: Date.parse(at) + lifetimeDays * day }));

/** Three old expired decisions, then an old one whose consent lasts until 2030, an old expired one after it, a recent one. */
async function seedConsent() {
  await decide(ids.anna, '2026-01-10T09:00:00Z', 182);
  await decide(ids.boris, '2026-02-10T09:00:00Z', 182);
  await decide(ids.chris, '2026-03-10T09:00:00Z', 182);
  await decide(ids.dora, '2026-04-10T09:00:00Z', 1370);
  await decide(ids.eva, '2026-05-10T09:00:00Z', 182);
  await decide(ids.filip, '2029-11-01T09:00:00Z', 182);
}
const remainingIds = () => store.column<number>('select id from consent_records order by id');

describe('retention of consent records', () => {
  test('deletes the oldest expired stretch of the chain behind a checkpoint; the rest verifies from it', async () => {
    await seedConsent();
    const report = await run();
    expect(report.consentRecords).toEqual({ deleted: 3, upToId: 3 });
    expect(new Date(report.cutoffs.consentRecords).toISOString()).toBe('2026-11-30T22:00:00.000Z');
    // Dora's consent may still be in effect: it and everything after it stay, Eva's expired record too.
    expect(await remainingIds()).toEqual([4, 5, 6]);
    expect(await consentHistory(db, ids.anna)).toEqual([]);
    const chain = await verifyConsentChain(db);
    expect(chain).toMatchObject({ checked: 3, erased: 0, start: { afterId: 3, removed: 3 } });
    expect(chain.firstBreak).toBeUndefined();
  });

  test('a second run removes nothing more, records its run all the same, and the chain still verifies', async () => {
    await seedConsent();
    await run();
    const second = await run({ now: now + 60_000 });
    expect(second.consentRecords).toEqual({ deleted: 0, upToId: null });
    expect(await remainingIds()).toEqual([4, 5, 6]);
    expect(await verifyConsentChain(db)).toMatchObject({ checked: 3, start: { removed: 3 } });
    expect(await latestAuditEvents(db, 'retention-applied')).toHaveLength(2);
  });

  test('later runs move the checkpoint on, and new decisions keep linking even when every record was removed', async () => {
    await seedConsent();
    await run();
    // Dora's consent ran out on 2030-01-10; by 2033 every record is past its period.
    expect((await run({ now: Date.parse('2030-02-01T10:00:00Z') })).consentRecords).toEqual({ deleted: 2, upToId: 5 });
    expect(await verifyConsentChain(db)).toMatchObject({ checked: 1, start: { afterId: 5, removed: 5 } });
    expect((await run({ now: Date.parse('2033-02-01T10:00:00Z') })).consentRecords).toEqual({ deleted: 1, upToId: 6 });
    expect(await remainingIds()).toEqual([]);
    await decide(ids.anna, '2033-02-01T11:00:00Z', 182);
    const chain = await verifyConsentChain(db);
    expect(chain).toMatchObject({ checked: 1, start: { afterId: 6, removed: 6 } });
    expect(chain.firstBreak).toBeUndefined();
    expect(await remainingIds()).toEqual([7]);
  });

  test('erased records are removed like any other once expired, and those that stay still verify as erased', async () => {
    await seedConsent();
    const erase = (id: number) => store.run("update consent_records set consent_id = 'erased', consent_salt = null, erased_at = ? where id = ?", now - day, id);
    await erase(2);
    await erase(6);
    expect((await run()).consentRecords).toEqual({ deleted: 3, upToId: 3 });
    const chain = await verifyConsentChain(db);
    expect(chain).toMatchObject({ checked: 3, erased: 1 });
    expect(chain.firstBreak).toBeUndefined();
  });

  test('the DPO’s lookup checks a record right after the checkpoint against it, and names a forged link', async () => {
    await seedConsent();
    await run();
    const lookup = await lookUpConsent(db, ids.dora);
    expect(lookup.found && lookup.chain).toEqual({ checked: 1, erased: 0 });
    await store.dropTrigger('consent_records', 'consent_records_no_update');
    await store.run("update consent_records set previous_hash = '0000000000000000000000000000000000000000000000000000000000000000' where id = 4");
    const forged = await lookUpConsent(db, ids.dora);
    expect(forged.found && forged.chain.firstBreak).toEqual({ id: 4, consentId: ids.dora, reason: 'previous hash does not match' });
    expect((await verifyConsentChain(db)).firstBreak).toMatchObject({ id: 4 });
  });

  test('the database refuses to delete any record the latest checkpoint does not cover, and any checkpoint that lies', async () => {
    await seedConsent();
    const sql = (statement: string) => store.run(statement);
    await expect(sql('delete from consent_records where id = 1')).rejects.toThrow('append-only');
    await run();
    await expect(sql('delete from consent_records where id = 4')).rejects.toThrow('append-only');
    await expect(sql('delete from consent_records')).rejects.toThrow('append-only');
    await expect(
      sql("insert into consent_retention_checkpoints (up_to_id, last_deleted_hash, deleted_count, occurred_at) values (5, 'f', 2, 1)"),
    ).rejects.toThrow('retention checkpoint');
    await expect(
      sql(
        'insert into consent_retention_checkpoints (up_to_id, last_deleted_hash, deleted_count, occurred_at) values (2, (select record_hash from consent_records where id = 4), 1, 1)',
      ),
    ).rejects.toThrow('retention checkpoint');
    await expect(sql('update consent_retention_checkpoints set up_to_id = 6')).rejects.toThrow('append-only');
    await expect(sql('delete from consent_retention_checkpoints')).rejects.toThrow('append-only');
    await expect(sql("update audit_events set detail = '{}'")).rejects.toThrow('append-only');
    await expect(sql('delete from audit_events')).rejects.toThrow('append-only');
    expect(await remainingIds()).toEqual([4, 5, 6]);
  });
});

const received = Date.parse('2026-03-02T08:00:00Z');
const dpo = 'dpo:eleni@ostria.example';

async function submit(type: 'access' | 'erasure', email: string, at: number) {
  const status = newToken();
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'pl',
    name: 'Anna Nowak',
    email,
    customerReference: 'KLIENT-4471',
    phone: '+48 600 100 200',
    consentId: ids.anna,
    declaration: true,
    ...(type === 'erasure' ? { scope: 'Konto Anny', grounds: 'Anna cofa zgodę' } : { details: 'Wszystko o Annie' }),
  });
  // Sent from her own browser: the consent id is proven, and goes with the rest when the request is anonymised.
  const request = await createRequest(store, {
    submission,
    now: at,
    timeZone,
    statusTokenHashFor: () => status.hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
  return { request, statusToken: status.token };
}

async function work(reference: string, at: number, close: 'complete' | 'reject' | 'open') {
  expect((await takeAction(store, reference, { action: 'verify', method: 'identity-document', note: 'Paszport Anny AB123' }, dpo, at)).ok).toBe(true);
  expect((await takeAction(store, reference, { action: 'start' }, dpo, at)).ok).toBe(true);
  expect((await takeAction(store, reference, { action: 'note', text: 'Anna dzwoniła' }, dpo, at)).ok).toBe(true);
  expect((await takeAction(store, reference, { action: 'extend', months: 1, reason: 'Dane Anny w archiwum', timeZone }, dpo, at)).ok).toBe(true);
  if (close === 'complete')
    expect(
      (
        await takeAction(
          store,
          reference,
          { action: 'complete', message: 'Dane Anny w załączniku', exportContent: async () => '{"name":"Anna Nowak"}' },
          dpo,
          at + day,
        )
      ).ok,
    ).toBe(true);
  if (close === 'reject') expect((await takeAction(store, reference, { action: 'reject', reason: 'Anna nie jest klientką' }, dpo, at + day)).ok).toBe(true);
}

/** An old completed access request, an old request still open, a recently rejected one. */
async function seedRequests() {
  const old = await submit('access', 'anna@example.pl', received);
  await work(old.request.reference, received, 'complete');
  const open = await submit('erasure', 'anna.open@example.pl', received);
  await work(open.request.reference, received, 'open');
  const recent = await submit('erasure', 'anna.recent@example.pl', Date.parse('2029-10-01T08:00:00Z'));
  await work(recent.request.reference, Date.parse('2029-10-01T08:00:00Z'), 'reject');
  return { old, open: await findRequest(db, open.request.reference), recent: await findRequest(db, recent.request.reference) };
}

describe('retention of closed requests', () => {
  test('anonymises a closed request past its period: the proof of the answer stays, the person, their texts, export and link go', async () => {
    const { old } = await seedRequests();
    const before = await findRequest(db, old.request.reference);
    expect(await exportOf(db, old.request.id)).toBeDefined();

    expect((await run()).closedRequests).toEqual({ anonymised: 1, exportsDeleted: 1, eventDetailsRedacted: 4 });
    const after = await findRequest(db, old.request.reference);
    expect(after).toEqual({
      ...before,
      name: 'anonymised',
      nameKey: null,
      email: 'anonymised@retention.invalid',
      emailKey: 'anonymised@retention.invalid',
      customerReference: null,
      phone: null,
      consentId: null,
      consentIdLinkedBy: null,
      details: null,
      extensionReason: 'anonymised',
      outcome: null,
      statusTokenHash: `anonymised:${old.request.id}`,
      anonymisedAt: now,
    });
    expect(after).toMatchObject({
      type: 'access',
      status: 'completed',
      receivedAt: received,
      extensionDays: 30,
      dueOn: before?.dueOn,
      closedAt: before?.closedAt,
    });
    expect(await exportOf(db, old.request.id)).toBeUndefined();
    expect(await findRequestForRequester(db, old.request.reference, old.statusToken)).toBeUndefined();
    // Neither her address nor her consent id leads to it any more (her other requests still name that consent id).
    expect((await findByConsentId(db, ids.anna)).requests.map((request) => request.reference)).not.toContain(old.request.reference);
    expect((await findSubject(db, 'anna@example.pl')).requests).toEqual([]);

    const events = await eventsOf(db, old.request.id);
    expect(events.map((event) => [event.kind, event.actor])).toEqual([
      ['received', 'requester'],
      ['identity-verified', dpo],
      ['started', dpo],
      ['note', dpo],
      ['extended', dpo],
      ['completed', dpo],
    ]);
    expect(events.map((event) => event.detail && JSON.parse(event.detail))).toEqual([
      null,
      { method: 'identity-document', redacted: ['note'] },
      null,
      { redacted: ['text'] },
      { months: 1, days: 30, dueOn: before?.dueOn, firstDueOn: '2026-04-01', redacted: ['reason'] },
      { redacted: ['message'] },
    ]);
    // The DPO's JSON of the request still keeps the request.v1 promise.
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validRequest = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '../../public/schemas/request.v1.json'), 'utf8')));
    const document = JSON.parse(JSON.stringify(await requestDocument(db, after!, 'dpo', 'https://privacy.ostria.example', { timeZone, now })));
    expect(validRequest(document), JSON.stringify(validRequest.errors)).toBe(true);

    // The DPO's trail says a text was removed instead of showing an empty line.
    const t = createTranslator('pl', readMessages('pl'));
    const removed = t('dpo.request.detail.redacted');
    expect(describeTrail(events, t, 'pl').map((entry) => entry.details)).toEqual([
      [],
      [t('dpo.request.detail.method', { method: t('dpo.request.methods.identity-document') }), removed],
      [],
      [removed],
      [t('deadline.extensionMonths', { count: 1, reason: removed }), expect.any(String)],
      [removed],
    ]);
    const everything = JSON.stringify([after, events, await store.rows('select * from audit_events')]);
    expect(everything).not.toMatch(/Ann[ay]|KLIENT|AB123|anna@/);
  });

  test('leaves open requests and recently closed ones untouched, and a later note on an anonymised request is redacted next time', async () => {
    const { old, open, recent } = await seedRequests();
    await run();
    expect(await findRequest(db, open?.reference ?? '')).toEqual(open);
    expect(await findRequest(db, recent?.reference ?? '')).toEqual(recent);
    expect((await eventsOf(db, recent?.id ?? 0)).every((event) => event.redactedAt === null)).toBe(true);

    expect((await takeAction(store, old.request.reference, { action: 'note', text: 'Anna pytała ponownie' }, dpo, now + day)).ok).toBe(true);
    expect((await run({ now: now + 2 * day })).closedRequests).toEqual({ anonymised: 0, exportsDeleted: 0, eventDetailsRedacted: 1 });
    expect((await eventsOf(db, old.request.id)).at(-1)?.detail).toBe(JSON.stringify({ redacted: ['text'] }));
  });

  test('the database allows redacting an event’s detail only for an anonymised request, and nothing else about it', async () => {
    const { old, recent } = await seedRequests();
    const sql = (statement: string) => store.run(statement);
    await expect(sql(`update request_events set detail = null, redacted_at = 1 where request_id = ${recent?.id}`)).rejects.toThrow('append-only');
    await run();
    await expect(
      sql(`update request_events set actor = 'system', redacted_at = 1 where request_id = ${old.request.id} and redacted_at is null`),
    ).rejects.toThrow('append-only');
    await expect(sql(`update request_events set detail = '{"text":"x"}' where request_id = ${old.request.id}`)).rejects.toThrow('append-only');
    await expect(sql(`delete from request_events where request_id = ${old.request.id}`)).rejects.toThrow('append-only');
  });
});

describe('a retention run', () => {
  test('records one audit event with the periods, cutoffs and counts, and nothing personal', async () => {
    await seedConsent();
    await seedRequests();
    const report = await run();
    const [event] = await latestAuditEvents(db, 'retention-applied');
    expect(event).toMatchObject({ id: report.auditEventId, actor: 'system:retention', occurredAt: now });
    expect(JSON.parse(event?.detail ?? '')).toEqual({
      consentRecords: { periodMonths: 36, cutoff: '2026-11-30T22:00:00.000Z', deleted: 3, upToId: 3 },
      closedRequests: { periodMonths: 36, cutoff: '2026-11-30T22:00:00.000Z', anonymised: 1, exportsDeleted: 1, eventDetailsRedacted: 4 },
      expiredExports: { deleted: 0 },
    });
  });

  test('a dry run reports what a real run would do and changes nothing', async () => {
    await seedConsent();
    const { old } = await seedRequests();
    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({
      consentRecords: { deleted: 3, upToId: 3 },
      closedRequests: { anonymised: 1, exportsDeleted: 1, eventDetailsRedacted: 4 },
      auditEventId: null,
    });
    expect(await remainingIds()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await findRequest(db, old.request.reference))?.name).toBe('Anna Nowak');
    expect(await latestAuditEvents(db, 'retention-applied')).toEqual([]);
    expect(await run()).toMatchObject({ consentRecords: dry.consentRecords, closedRequests: dry.closedRequests });
  });

  test('is all or nothing: when its last step fails, no record is deleted and no request anonymised', async () => {
    await seedConsent();
    const { old } = await seedRequests();
    await store.failInserts('audit_events', 'disk full');
    await expect(run()).rejects.toThrow('disk full');
    expect(await remainingIds()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.value('select count(*) from consent_retention_checkpoints')).toBe(0);
    expect(await findRequest(db, old.request.reference)).toMatchObject({ name: 'Anna Nowak', anonymisedAt: null });
    expect(await exportOf(db, old.request.id)).toBeDefined();
    expect((await eventsOf(db, old.request.id)).every((event) => event.redactedAt === null)).toBe(true);
    expect(await verifyConsentChain(db)).toMatchObject({ checked: 6, start: { removed: 0 } });
  });
});
