import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { requestDocument } from '../../src/lib/subject-export.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import { provideInformation } from '../../src/lib/information-answer.repo.ts';
import { requestFilesOf } from '../../src/lib/package/subject-export-v2.ts';
import { filesListOf } from '../../src/lib/request-files.repo.ts';
import { requestDeadline } from '../../src/lib/request-deadline.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { createRequest, eventsOf, findRequest, takeAction, verifyByEmailLink } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { answerFileKinds } from '../../src/lib/information-answer.ts';
import { clockStoppedAmong, inboxCounts, inboxPage, openDueDates } from '../../src/lib/inbox.repo.ts';
import { checkUpload } from '../../src/lib/uploads.ts';

const timeZone = 'Europe/Athens';
const received = Date.parse('2027-01-20T10:00:00Z');
const day = 24 * 60 * 60 * 1000;
const dpo = 'dpo:dpo@example.com';

const schemas = join(import.meta.dirname, '../../public/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
ajv.addSchema(JSON.parse(readFileSync(join(schemas, 'request.v1.json'), 'utf8')));
const validRequestDocument = ajv.getSchema('/schemas/request.v1.json');

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

async function submit() {
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna Nowak', email: 'anna@example.pl', declaration: true });
  return createRequest(store, { submission, now: received, timeZone, statusTokenHashFor: () => hashToken(newToken().token), verifyTokenHash: newToken().hash });
}

const scan = () => {
  const checked = checkUpload('dowód.pdf', Buffer.from('%PDF-1.4\n% skan dowodu\n%%EOF\n'), answerFileKinds);
  if (!checked.ok) throw new Error(checked.problem);
  return checked.file;
};

describe('a question to the requester', () => {
  test('puts the request in waiting with the question in its trail; the answer takes it back and moves the deadline by the days waited', async () => {
    const request = await submit();
    expect(request.dueOn).toBe('2027-02-19');
    await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received + 1000);
    const asked = await takeAction(
      store,
      request.reference,
      { action: 'ask', reason: 'identification', question: 'Prosimy o numer klienta.' },
      dpo,
      received + 2 * day,
    );
    expect(asked).toMatchObject({ ok: true, request: { status: 'waiting', dueOn: '2027-02-19' } });
    const askedEvent = (await eventsOf(store.db, request.id)).at(-1);
    expect(askedEvent).toMatchObject({ kind: 'information-requested', actor: dpo });
    expect(JSON.parse(askedEvent?.detail ?? '{}')).toEqual({ reason: 'identification', question: 'Prosimy o numer klienta.', from: 'verified' });

    const answer = await provideInformation(store, request.id, { text: 'Mój numer klienta: K-1234.', file: scan() }, received + 9 * day, timeZone);
    // Seven calendar days stood still (22 → 29 January): due 26 February instead of 19 February.
    expect(answer).toMatchObject({ ok: true, request: { status: 'verified', dueOn: '2027-02-26', dueAt: Date.parse('2027-02-26T21:59:59.999Z') } });
    const provided = (await eventsOf(store.db, request.id)).at(-1);
    expect(provided).toMatchObject({ kind: 'information-provided', actor: 'requester' });
    expect(JSON.parse(provided?.detail ?? '{}')).toMatchObject({
      text: 'Mój numer klienta: K-1234.',
      name: 'dowód.pdf',
      pausedDays: 7,
      dueOn: '2027-02-26',
      previousDueOn: '2027-02-19',
    });
    expect((await filesListOf(store.db, request.id)).map((file) => [file.origin, file.name])).toEqual([['requester', 'dowód.pdf']]);
  });

  test('the email click while waiting verifies the address, and the answer then takes the request on as verified', async () => {
    const verify = newToken();
    const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna Nowak', email: 'anna@example.pl', declaration: true });
    const request = await createRequest(store, {
      submission,
      now: received,
      timeZone,
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: verify.hash,
    });
    await takeAction(store, request.reference, { action: 'ask', reason: 'clarification', question: 'Które konto?' }, dpo, received + 1000);
    const waiting = await findRequest(store.db, request.reference);
    if (!waiting) throw new Error('no request');
    expect(await verifyByEmailLink(store, waiting, verify.token, received + 2000)).toBe('verified');
    expect(await findRequest(store.db, request.reference)).toMatchObject({ status: 'waiting', verifiedAt: received + 2000 });
    expect(await provideInformation(store, request.id, { text: 'Konto prywatne.' }, received + day, timeZone)).toMatchObject({
      ok: true,
      request: { status: 'verified' },
    });
  });

  test('while a question waits, the first deadline moves on: an extension past the stored date is still in time', async () => {
    const request = await submit();
    const extend = { action: 'extend', months: 1, reason: 'Archiwum', timeZone } as const;
    // Stored first deadline 19 February; asked on 10 February, today 22 February: the first deadline is now 3 March.
    await takeAction(store, request.reference, { action: 'ask', reason: 'identification', question: 'Skan dowodu?' }, dpo, Date.parse('2027-02-10T10:00:00Z'));
    const extended = await takeAction(store, request.reference, extend, dpo, Date.parse('2027-02-22T10:00:00Z'));
    expect(extended).toMatchObject({ ok: true, request: { status: 'waiting', dueOn: '2027-03-19' } });
    const waiting = await findRequest(store.db, request.reference);
    if (!waiting) throw new Error('no request');
    const deadline = requestDeadline(waiting, await eventsOf(store.db, request.id), timeZone, Date.parse('2027-02-23T10:00:00Z'));
    expect(deadline).toMatchObject({ late: false, inForce: { dueOn: '2027-04-01' } });
    // The answer on 24 February: 14 days waited, the extended date and the first one move by them.
    const answer = await provideInformation(store, request.id, { text: 'W załączeniu.' }, Date.parse('2027-02-24T10:00:00Z'), timeZone);
    expect(answer).toMatchObject({ ok: true, request: { status: 'received', dueOn: '2027-04-02' } });

    // Without a question the same extension on the same day is too late.
    const other = await submit();
    expect(await takeAction(store, other.reference, extend, dpo, Date.parse('2027-02-22T10:00:00Z'))).toEqual({ ok: false, problem: 'tooLate' });
  });

  test('the requester’s file is the DPO’s evidence: it never goes into the requester’s package', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'ask', reason: 'identification', question: 'Skan dowodu?' }, dpo, received + day);
    await provideInformation(store, request.id, { text: 'W załączeniu.', file: scan() }, received + 2 * day, timeZone);
    expect(await filesListOf(store.db, request.id, 'requester')).toHaveLength(1);
    // The package's zip and its data.json both take their files from here.
    expect(await requestFilesOf(store.db, request.id)).toEqual([]);
  });

  test('asked twice: the new question replaces the open one, and the answer returns to the status before the first', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'ask', reason: 'clarification', question: 'Które konto?' }, dpo, received + day);
    const again = await takeAction(
      store,
      request.reference,
      { action: 'ask', reason: 'identification', question: 'I numer klienta?' },
      dpo,
      received + 2 * day,
    );
    expect(again).toMatchObject({ ok: true, request: { status: 'waiting' } });
    const now = received + 5 * day;
    const found = await findRequest(store.db, request.reference);
    if (!found) throw new Error('no request');
    const deadline = requestDeadline(found, await eventsOf(store.db, request.id), timeZone, now);
    expect(deadline.waitingFor).toMatchObject({ question: 'I numer klienta?', from: 'received', pausedSince: received + day });
    expect(deadline.inForce.dueOn).toBe('2027-02-23');
    const answer = await provideInformation(store, request.id, { text: 'Konto firmowe, K-1.' }, now, timeZone);
    expect(answer).toMatchObject({ ok: true, request: { status: 'received', dueOn: '2027-02-23' } });
    // After the answer the DPO may ask again: a new wait.
    expect(await takeAction(store, request.reference, { action: 'ask', reason: 'clarification', question: 'Od kiedy?' }, dpo, now + day)).toMatchObject({
      ok: true,
      request: { status: 'waiting' },
    });
  });

  test('is refused once the request is answered, and an answer without a waiting question stores nothing', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'reject', reason: 'Brak podstaw.' }, dpo, received + day);
    expect(await takeAction(store, request.reference, { action: 'ask', reason: 'clarification', question: 'Q?' }, dpo, received + 2 * day)).toEqual({
      ok: false,
      problem: 'status',
    });
    expect(await provideInformation(store, request.id, { text: 'Odpowiedź', file: scan() }, received + 3 * day, timeZone)).toEqual({
      ok: false,
      problem: 'notWaiting',
    });
    expect(await filesListOf(store.db, request.id)).toEqual([]);
    expect((await eventsOf(store.db, request.id)).map((event) => event.kind)).toEqual(['received', 'rejected']);
  });

  test('a request rejected while waiting no longer takes an answer', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'ask', reason: 'identification', question: 'Q?' }, dpo, received + day);
    expect(await takeAction(store, request.reference, { action: 'reject', reason: 'Brak odpowiedzi.' }, dpo, received + 20 * day)).toMatchObject({ ok: true });
    expect(await provideInformation(store, request.id, { text: 'Za późno' }, received + 21 * day, timeZone)).toEqual({ ok: false, problem: 'notWaiting' });
  });

  test('a waiting request is open in the inbox, but neither overdue nor due soon while its clock stands still', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'ask', reason: 'identification', question: 'Q?' }, dpo, received + day);
    // Past the stored due date (19 February): the deadline has moved on with every day waited.
    const today = '2027-03-01';
    expect((await inboxPage(store.db, { status: 'open' }, today)).rows.map((row) => row.status)).toEqual(['waiting']);
    expect((await inboxPage(store.db, { due: 'overdue' }, today)).rows).toEqual([]);
    expect(await inboxCounts(store.db, today)).toMatchObject({ open: 1, overdue: 0, dueSoon: 0 });
    expect(await openDueDates(store.db)).toEqual([]);
  });

  test('a question asked once the deadline had passed stops nothing: the waiting request stays overdue in the inbox', async () => {
    const stopped = await submit();
    await takeAction(store, stopped.reference, { action: 'ask', reason: 'identification', question: 'Q?' }, dpo, received + day);
    const late = await submit();
    // Due 19 February; asked on 25 February.
    await takeAction(store, late.reference, { action: 'ask', reason: 'identification', question: 'Q?' }, dpo, received + 36 * day);
    const today = '2027-03-01';
    expect((await inboxPage(store.db, { due: 'overdue' }, today)).rows.map((row) => row.reference)).toEqual([late.reference]);
    expect(await inboxCounts(store.db, today)).toMatchObject({ open: 2, overdue: 1 });
    expect(await openDueDates(store.db)).toEqual([{ dueOn: '2027-02-19', count: 1 }]);
    expect([...(await clockStoppedAmong(store.db, [stopped.id, late.id]))]).toEqual([stopped.id]);
    // Answered, asked again after the moved deadline: that second question stops nothing either.
    await provideInformation(store, stopped.id, { text: 'K-1' }, received + 3 * day, timeZone);
    await takeAction(store, stopped.reference, { action: 'ask', reason: 'identification', question: 'Q2?' }, dpo, received + 40 * day);
    expect([...(await clockStoppedAmong(store.db, [stopped.id, late.id]))]).toEqual([]);
  });

  test('the request JSON (request.v1) of a waiting request: its status, the question for the requester, not where it returns to', async () => {
    const request = await submit();
    await takeAction(store, request.reference, { action: 'ask', reason: 'identification', question: 'Numer klienta?' }, dpo, received + day);
    const waiting = await findRequest(store.db, request.reference);
    if (!waiting) throw new Error('no request');
    for (const audience of ['requester', 'dpo'] as const) {
      const document = JSON.parse(
        JSON.stringify(await requestDocument(store.db, waiting, audience, 'https://p.example', { timeZone, now: received + 2 * day })),
      );
      expect(validRequestDocument?.(document), JSON.stringify(validRequestDocument?.errors)).toBe(true);
      expect(document.status).toBe('waiting');
      const asked = document.events.at(-1);
      expect(asked.kind).toBe('information-requested');
      expect(asked.detail).toEqual(
        audience === 'dpo'
          ? { reason: 'identification', question: 'Numer klienta?', from: 'received' }
          : { reason: 'identification', question: 'Numer klienta?' },
      );
    }
  });
});
