import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { openByWeekDue } from '../../src/lib/inbox-chart.ts';
import { inboxCounts, inboxFilterSchema, inboxPage, openDueDates } from '../../src/lib/inbox.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';

let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const today = '2026-11-20';
const day = 24 * 3600_000;
const noonToday = Date.parse('2026-11-20T10:00:00Z');

async function received(daysAgo: number, type: 'access' | 'erasure' = 'access', email = `p${daysAgo}@example.com`) {
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'el',
    name: 'N',
    email,
    declaration: true,
    ...(type === 'erasure' ? { scope: 'all', grounds: 'g' } : {}),
  });
  return await createRequest(store, {
    submission,
    now: noonToday - daysAgo * day,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
}

describe('the inbox', () => {
  test('lists open requests by deadline (overdue first), closed ones after, with counts and filters', async () => {
    const overdue = await received(35);
    const soon = await received(25, 'erasure', 'maria@example.gr');
    const fresh = await received(0);
    const closed = await received(40);
    await takeAction(store, closed.reference, { action: 'reject', reason: 'Not identifiable' }, 'dpo:x', noonToday);

    expect((await inboxPage(db, {}, today)).rows.map((row) => row.reference)).toEqual([overdue.reference, soon.reference, fresh.reference, closed.reference]);
    // The rejected one was answered 40 days after receipt: late, and counted so for good.
    expect(await inboxCounts(db, today)).toEqual({ open: 3, overdue: 1, dueSoon: 1, answeredLate: 1, completed: 0, rejected: 1 });
    const only = async (filter: Record<string, string>) => (await inboxPage(db, inboxFilterSchema.parse(filter), today)).rows.map((row) => row.reference);
    expect(await only({ due: 'overdue' })).toEqual([overdue.reference]);
    expect(await only({ due: 'soon' })).toEqual([soon.reference]);
    expect(await only({ status: 'open' })).toHaveLength(3);
    expect(await only({ status: 'rejected' })).toEqual([closed.reference]);
    expect(await only({ type: 'erasure' })).toEqual([soon.reference]);
    expect(await only({ q: 'MARIA@' })).toEqual([soon.reference]);
    expect(await only({ q: fresh.reference.toLowerCase() })).toEqual([fresh.reference]);
    expect(await only({ q: '%' })).toEqual([]);
    expect(await only({ status: 'nonsense', page: '-4' })).toHaveLength(4);
  });

  test('a search for an address with an underscore finds it, and the underscore matches only itself', async () => {
    const underscored = await received(3, 'access', 'anna_nowak@example.pl');
    await received(4, 'access', 'annaxnowak@example.pl');
    const only = async (q: string) => (await inboxPage(db, inboxFilterSchema.parse({ q }), today)).rows.map((row) => row.reference);
    expect(await only('anna_nowak')).toEqual([underscored.reference]);
    expect(await only('ANNA_')).toEqual([underscored.reference]);
    expect(await only('%nowak')).toEqual([]);
  });

  test('pages through 25 at a time', async () => {
    for (let index = 0; index < 30; index += 1) await received(index % 20, 'access', `x${index}@example.com`);
    expect(await inboxPage(db, {}, today)).toMatchObject({ total: 30, page: 1, pages: 2 });
    expect((await inboxPage(db, { page: 2 }, today)).rows).toHaveLength(5);
    expect((await inboxPage(db, { page: 9 }, today)).page).toBe(2);
  });

  test('a page that spans open and answered requests continues in inbox order: open by deadline, then answered, latest deadline first', async () => {
    const made = [];
    for (let index = 0; index < 40; index += 1) made.push(await received(index % 13, index % 3 === 0 ? 'erasure' : 'access', `s${index}@example.com`));
    for (const [index, request] of made.entries()) {
      if (index % 4 === 1) await takeAction(store, request.reference, { action: 'reject', reason: 'Not identifiable' }, 'dpo:x', noonToday);
      if (index % 4 === 2) {
        await takeAction(store, request.reference, { action: 'verify', method: 'other' }, 'dpo:x', noonToday);
        await takeAction(store, request.reference, { action: 'start' }, 'dpo:x', noonToday);
        await takeAction(store, request.reference, { action: 'complete', message: 'Done' }, 'dpo:x', noonToday);
      }
    }
    const rows = [...(await inboxPage(db, { page: 1 }, today, 15)).rows, ...(await inboxPage(db, { page: 2 }, today, 15)).rows];
    const third = await inboxPage(db, { page: 3 }, today, 15);
    const all = [...rows, ...third.rows];
    expect(all).toHaveLength(40);
    expect(third).toMatchObject({ total: 40, pages: 3 });
    const open = all.filter((row) => ['received', 'verified', 'in-progress'].includes(row.status));
    expect(open).toHaveLength(20);
    expect(all.slice(0, 20)).toEqual(open);
    const byDeadline = (direction: 1 | -1) => (a: { dueAt: number; id: number }, b: { dueAt: number; id: number }) =>
      direction * (a.dueAt - b.dueAt) || a.id - b.id;
    expect(open).toEqual([...open].sort(byDeadline(1)));
    const answered = all.slice(20);
    expect(new Set(answered.map((row) => row.status))).toEqual(new Set(['completed', 'rejected']));
    expect(answered).toEqual([...answered].sort(byDeadline(-1)));
    expect((await inboxPage(db, { status: 'rejected', page: 2 }, today, 4)).rows.map((row) => row.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect((await inboxPage(db, { type: 'erasure' }, today, 100)).rows.every((row) => row.type === 'erasure')).toBe(true);
  });

  test('the chart puts open requests in an overdue bucket and the weeks they fall due', async () => {
    await received(35);
    await received(25);
    await received(0);
    const weeks = openByWeekDue(await openDueDates(db), today);
    expect(weeks[0]).toEqual({ week: 'overdue', count: 1 });
    expect(weeks[1]?.week).toBe('2026-11-16');
    expect(weeks.find((week) => week.week === '2026-11-23')?.count).toBe(1);
    expect(weeks.find((week) => week.week === '2026-12-14')?.count).toBe(1);
    expect(weeks.reduce((sum, week) => sum + week.count, 0)).toBe(3);
  });
});
