import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { readMessages } from '../../scripts/support/content.ts';
import { digestEmail, requestsNeedingAttention } from '../../src/lib/dpo-digest.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import { inboxCounts, inboxPage } from '../../src/lib/inbox.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, eventsOf, findRequest, takeAction, type RequestAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { describeRequest } from '../../src/lib/subject-export.ts';

/**
 * The deadline a regulator accepts (issue 13): one month per Regulation 1182/71 (or 30 days, whichever is earlier),
 * extensions by calendar months granted only before the first deadline, and a request answered late stays late.
 */
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const athens = 'Europe/Athens';
const day = 24 * 3600_000;
const dpo = 'dpo:dpo@ostria.example';
const clock = (now: number) => ({ timeZone: athens, now });

async function receive(at: string, email = 'maria@example.gr') {
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'el', name: 'Μαρία', email, declaration: true });
  return await createRequest(store, {
    submission,
    now: Date.parse(at),
    timeZone: athens,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
}

/**
 * An extension as the DPO asks for it. `days` rides along so that the code before issue 13 (which extended by days)
 * grants the same request a 30-day extension, and the test shows what it then did.
 */
async function extend(reference: string, months: number, now: number) {
  const action = { action: 'extend', months, days: 30, reason: 'Πολλά αρχεία σε ταινίες', timeZone: athens };
  return await takeAction(store, reference, action as RequestAction, dpo, now);
}

async function answer(reference: string, now: number) {
  await takeAction(store, reference, { action: 'verify', method: 'customer-account' }, dpo, now - 2);
  await takeAction(store, reference, { action: 'start' }, dpo, now - 1);
  return await takeAction(store, reference, { action: 'complete', message: 'Τα δεδομένα σας' }, dpo, now);
}

describe('the first deadline', () => {
  test('a request received on 15 February is due on 15 March (one month), not on 17 March (30 days)', async () => {
    expect(await receive('2026-02-15T09:00:00Z')).toMatchObject({ dueOn: '2026-03-15', dueAt: Date.parse('2026-03-15T21:59:59.999Z') });
  });

  test('a request received on 31 January is due on the last day of February', async () => {
    expect((await receive('2027-01-31T09:00:00Z')).dueOn).toBe('2027-02-28');
    expect((await receive('2028-01-31T09:00:00Z', 'b@example.gr')).dueOn).toBe('2028-02-29');
  });

  test('in a 31-day month the 30 days end first', async () => {
    expect((await receive('2026-03-10T09:00:00Z')).dueOn).toBe('2026-04-09');
  });
});

describe('an extension', () => {
  test('is by calendar months from the first deadline: two months after 15 March is 15 May', async () => {
    const request = await receive('2026-02-15T09:00:00Z');
    const outcome = await extend(request.reference, 2, Date.parse('2026-03-01T09:00:00Z'));
    expect(outcome).toMatchObject({ ok: true, request: { dueOn: '2026-05-15', dueAt: Date.parse('2026-05-15T20:59:59.999Z'), extensionDays: 61 } });
    const extended = (await eventsOf(db, request.id)).find((event) => event.kind === 'extended');
    expect(JSON.parse(extended?.detail ?? '{}')).toMatchObject({ months: 2, days: 61, dueOn: '2026-05-15', firstDueOn: '2026-03-15' });
    expect(
      describeRequest((await findRequest(db, request.reference))!, await eventsOf(db, request.id), 'dpo', clock(Date.parse('2026-03-01T10:00:00Z'))).extension,
    ).toEqual({ days: 61, months: 2, reason: 'Πολλά αρχεία σε ταινίες' });
  });

  test('of more than two months is refused', async () => {
    const request = await receive('2026-02-15T09:00:00Z');
    expect(await extend(request.reference, 3, Date.parse('2026-03-01T09:00:00Z'))).toMatchObject({ ok: false });
    expect(await findRequest(db, request.reference)).toMatchObject({ dueOn: '2026-03-15', extensionDays: null });
  });

  test('on the last day of the first deadline is still granted; a millisecond after it, refused and nothing changes', async () => {
    const request = await receive('2026-02-15T09:00:00Z');
    const firstEnd = Date.parse('2026-03-15T21:59:59.999Z');
    expect(await extend(request.reference, 1, firstEnd + 1)).toEqual({ ok: false, problem: 'tooLate' });
    expect(await findRequest(db, request.reference)).toMatchObject({ dueOn: '2026-03-15', extensionDays: null, extensionReason: null });
    expect((await eventsOf(db, request.id)).map((event) => event.kind)).toEqual(['received']);
    expect(await extend(request.reference, 1, firstEnd)).toMatchObject({ ok: true, request: { dueOn: '2026-04-15' } });
  });
});

describe('a request past its deadline stays late', () => {
  test('an overdue request the DPO tries to extend stays in the overdue count, filter and digest, and is late once answered', async () => {
    const request = await receive('2026-10-01T09:00:00Z');
    const today = '2026-11-05';
    const now = Date.parse('2026-11-05T10:00:00Z');
    await extend(request.reference, 2, now);
    expect(await inboxCounts(db, today)).toMatchObject({ open: 1, overdue: 1 });
    expect((await inboxPage(db, { due: 'overdue' }, today)).rows.map((row) => row.reference)).toEqual([request.reference]);
    expect((await requestsNeedingAttention(db, today)).overdue.map((row) => row.reference)).toEqual([request.reference]);

    await answer(request.reference, now + 1000);
    const answered = (await findRequest(db, request.reference))!;
    expect(describeRequest(answered, await eventsOf(db, request.id), 'dpo', clock(now + 2000))).toMatchObject({
      late: true,
      closedAt: new Date(now + 1000).toISOString(),
    });
    // Years later, still late.
    expect(describeRequest(answered, await eventsOf(db, request.id), 'requester', clock(now + 900 * day)).late).toBe(true);
    expect(await inboxCounts(db, '2029-01-01')).toMatchObject({ answeredLate: 1 });
    expect((await inboxPage(db, { due: 'late' }, '2029-01-01')).rows.map((row) => row.reference)).toEqual([request.reference]);
  });

  test('an extension granted after the first deadline before this rule existed does not excuse the delay', async () => {
    // What the old code let a DPO do: extend on 5 November a request due on 31 October, by 30 days.
    const request = await receive('2026-10-01T09:00:00Z');
    const extendedAt = Date.parse('2026-11-05T10:00:00Z');
    await store.run(
      "update requests set due_on = '2026-11-30', due_at = ?, extension_days = 30, extension_reason = 'x' where id = ?",
      Date.parse('2026-11-30T21:59:59.999Z'),
      request.id,
    );
    await store.run(
      "insert into request_events (request_id, occurred_at, actor, kind, detail) values (?, ?, ?, 'extended', ?)",
      request.id,
      extendedAt,
      dpo,
      JSON.stringify({ days: 30, reason: 'x', dueOn: '2026-11-30' }),
    );
    expect(await inboxCounts(db, '2026-11-06')).toMatchObject({ overdue: 1 });
    const attention = await requestsNeedingAttention(db, '2026-11-06');
    expect(attention.overdue.map((row) => row.reference)).toEqual([request.reference]);
    // The digest counts the days late from the first deadline (31 October), not the days left to the late extension.
    const t = createTranslator('nl', readMessages('nl'));
    const digest = digestEmail({
      t,
      locale: 'nl',
      to: 'dpo@ostria.example',
      today: '2026-11-06',
      now: Date.parse('2026-11-06T10:00:00Z'),
      timeZone: athens,
      ...attention,
      tasks: [],
      systems: [],
      processors: [],
      origin: 'https://p.example',
      organisation: 'Ostria',
    });
    expect(digest.text).toContain(t('requests.status.overdue', { count: 6 }));
    await answer(request.reference, extendedAt + day);
    expect(describeRequest((await findRequest(db, request.reference))!, await eventsOf(db, request.id), 'dpo', clock(extendedAt + 2 * day)).late).toBe(true);
    expect(await inboxCounts(db, '2026-11-07')).toMatchObject({ answeredLate: 1 });
  });

  test('a request answered within an extension granted in time is not late', async () => {
    const request = await receive('2026-10-01T09:00:00Z');
    await extend(request.reference, 1, Date.parse('2026-10-20T10:00:00Z'));
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(await inboxCounts(db, '2026-11-20')).toMatchObject({ overdue: 0 });
    await answer(request.reference, now);
    expect(describeRequest((await findRequest(db, request.reference))!, await eventsOf(db, request.id), 'dpo', clock(now)).late).toBe(false);
    expect(await inboxCounts(db, '2026-11-21')).toMatchObject({ answeredLate: 0 });
  });
});
