import { describe, expect, test } from 'vitest';
import { extendedDeadline } from '../../src/lib/deadline.ts';
import { deadlineAfterWait, latestAnswer, openQuestion, pausedDays, pausesDeadline } from '../../src/lib/information-wait.ts';
import { requestDeadline } from '../../src/lib/request-deadline.ts';
import { createTranslator, formatCalendarDate } from '../../src/lib/i18n.ts';
import { describeTrail } from '../../src/lib/request-trail.ts';
import pl from '../../locales/pl.json' with { type: 'json' };

const athens = 'Europe/Athens';
const at = (iso: string) => Date.parse(iso);
const asked = (occurredAt: number, reason: string, question: string, from = 'in-progress') => ({
  kind: 'information-requested',
  occurredAt,
  detail: JSON.stringify({ reason, question, from }),
});
const answered = (occurredAt: number) => ({ kind: 'information-provided', occurredAt, detail: JSON.stringify({ text: 'here' }) });

describe('pausesDeadline()', () => {
  test('a question to identify the requester or to clarify the request suspends the time (EDPB 01/2022, para. 159)', () => {
    expect(pausesDeadline('identification')).toBe(true);
    expect(pausesDeadline('clarification')).toBe(true);
  });
});

describe('deadlineAfterWait()', () => {
  test('moves the due date by the calendar days waited, across a month end', () => {
    // Asked on 25 January, answered on 3 February: nine days did not count.
    const moved = deadlineAfterWait('2027-02-20', { pausedSince: at('2027-01-25T09:00:00Z') }, at('2027-02-03T16:00:00Z'), athens);
    expect(moved.dueOn).toBe('2027-03-01');
    expect(moved.dueAt).toBe(at('2027-03-01T21:59:59.999Z'));
  });

  test('an answer on the day of the question moves nothing', () => {
    expect(deadlineAfterWait('2027-02-20', { pausedSince: at('2027-01-25T07:00:00Z') }, at('2027-01-25T20:00:00Z'), athens).dueOn).toBe('2027-02-20');
  });

  test('counts days in the organisation’s time zone: 23:30 in Athens is already the next day', () => {
    // 21:30 UTC on 31 January is 23:30 in Athens (still 31 January); 22:30 UTC is 00:30 on 1 February there.
    expect(pausedDays(at('2027-01-30T10:00:00Z'), at('2027-01-31T21:30:00Z'), athens)).toBe(1);
    expect(pausedDays(at('2027-01-30T10:00:00Z'), at('2027-01-31T22:30:00Z'), athens)).toBe(2);
  });

  test('the end of the moved day follows the summer-time change (due at 23:59:59.999 local, UTC+3)', () => {
    // Asked 20 March, answered 30 March 2027 (summer time since 28 March): ten days; due 10 April, end of day at UTC+3.
    const moved = deadlineAfterWait('2027-03-31', { pausedSince: at('2027-03-20T10:00:00Z') }, at('2027-03-30T10:00:00Z'), athens);
    expect(moved).toEqual({ dueOn: '2027-04-10', dueAt: at('2027-04-10T20:59:59.999Z') });
  });

  test('moves an extended deadline as well: the extension is counted from the first deadline, then the wait added', () => {
    const extended = extendedDeadline('2027-01-31', 2, athens);
    expect(extended.dueOn).toBe('2027-03-31');
    expect(deadlineAfterWait(extended.dueOn, { pausedSince: at('2027-02-10T10:00:00Z') }, at('2027-02-15T10:00:00Z'), athens).dueOn).toBe('2027-04-05');
  });

  test('a question asked once the deadline had run out stops nothing', () => {
    const late = deadlineAfterWait('2027-01-10', { pausedSince: at('2027-01-12T10:00:00Z') }, at('2027-01-20T10:00:00Z'), athens);
    expect(late.dueOn).toBe('2027-01-10');
  });
});

describe('openQuestion()', () => {
  test('the latest unanswered question, with the status to return to and the first moment the clock stopped', () => {
    const first = at('2027-01-05T10:00:00Z');
    const second = at('2027-01-07T10:00:00Z');
    const open = openQuestion([
      asked(first, 'identification', 'Your customer number?', 'verified'),
      asked(second, 'clarification', 'Which account?', 'waiting'),
    ]);
    expect(open).toEqual({ reason: 'clarification', question: 'Which account?', askedAt: second, from: 'verified', pausedSince: first });
  });

  test('none once answered, or once the request was answered or rejected', () => {
    expect(openQuestion([asked(at('2027-01-05T10:00:00Z'), 'identification', 'Q'), answered(at('2027-01-06T10:00:00Z'))])).toBeUndefined();
    expect(
      openQuestion([asked(at('2027-01-05T10:00:00Z'), 'identification', 'Q'), { kind: 'rejected', occurredAt: at('2027-01-06T10:00:00Z'), detail: null }]),
    ).toBeUndefined();
  });

  test('a new question after an answer starts a new wait', () => {
    const again = at('2027-01-09T10:00:00Z');
    const open = openQuestion([
      asked(at('2027-01-05T10:00:00Z'), 'identification', 'Q1'),
      answered(at('2027-01-06T10:00:00Z')),
      asked(again, 'clarification', 'Q2'),
    ]);
    expect(open).toMatchObject({ question: 'Q2', pausedSince: again });
  });
});

describe('requestDeadline() while waiting', () => {
  test('shows the deadline as it would be after an answer today, and a waiting request is not late', () => {
    const request = { dueOn: '2027-01-20', dueAt: at('2027-01-20T21:59:59.999Z'), extensionDays: null, closedAt: null, status: 'waiting' };
    const events = [asked(at('2027-01-15T10:00:00Z'), 'identification', 'Q')];
    const deadline = requestDeadline(request, events, athens, at('2027-01-25T10:00:00Z'));
    expect(deadline.inForce.dueOn).toBe('2027-01-30');
    expect(deadline.late).toBe(false);
    expect(deadline.waitingFor?.question).toBe('Q');
  });
});

describe('describeTrail() of a question and its answer', () => {
  const t = createTranslator('pl', pl);
  const event = (id: number, kind: string, actor: string, detail: unknown) => ({
    id,
    requestId: 1,
    occurredAt: at('2027-01-05T10:00:00Z'),
    actor,
    kind,
    detail: JSON.stringify(detail),
    redactedAt: null,
  });

  test('the DPO reads why and what was asked, the answer, its file and how far the deadline moved, in their language', () => {
    const trail = describeTrail(
      [
        event(1, 'information-requested', 'dpo:dpo@ostria.example', { reason: 'identification', question: 'Numer klienta?', from: 'received' }),
        event(2, 'information-provided', 'requester', { text: 'K-1234', name: 'skan.pdf', size: 2048, pausedDays: 3, dueOn: '2027-02-22' }),
      ],
      t,
      'pl',
    );
    expect(trail.map((entry) => [entry.what, entry.who, entry.details])).toEqual([
      [t('dpo.request.events.information-requested'), 'dpo@ostria.example', [t('dpo.request.askReasons.identification'), 'Numer klienta?']],
      [
        t('dpo.request.events.information-provided'),
        t('dpo.request.actor.requester'),
        [
          'K-1234',
          t('dpo.request.detail.file', { name: 'skan.pdf', size: '2 kB' }),
          t('dpo.request.detail.pausedDays', { count: 3, date: formatCalendarDate('2027-02-22', 'pl') }),
        ],
      ],
    ]);
  });

  test('once retention redacted the texts, the trail says so and claims no reason', () => {
    const [entry] = describeTrail([event(1, 'information-requested', 'dpo:dpo@ostria.example', { redacted: ['reason', 'question', 'from'] })], t, 'pl');
    expect(entry?.details).toEqual([t('dpo.request.detail.redacted')]);
  });
});

describe('latestAnswer()', () => {
  test('the latest answer with the question it answers and its file; none before the requester answered', () => {
    const first = asked(at('2027-01-05T10:00:00Z'), 'identification', 'Q1');
    expect(latestAnswer([first])).toBeUndefined();
    const reply = { kind: 'information-provided', occurredAt: at('2027-01-06T10:00:00Z'), detail: JSON.stringify({ text: 'A1', fileId: 7, name: 'scan.png' }) };
    expect(latestAnswer([first, reply])).toEqual({ answeredAt: at('2027-01-06T10:00:00Z'), question: 'Q1', text: 'A1', file: { id: 7, name: 'scan.png' } });
  });
});
