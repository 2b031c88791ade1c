import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { openByWeekDue } from '../../src/lib/inbox-chart.ts';
import { eq } from 'drizzle-orm';
import { dpoUsers, requests } from '../../db/tables.ts';
import { inboxCounts, inboxFilterFrom, inboxPage, openDueDates } from '../../src/lib/inbox.repo.ts';
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

async function received(daysAgo: number, type: 'access' | 'erasure' = 'access', email = `p${daysAgo}@example.com`, name = 'N', customerReference?: string) {
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'el',
    name,
    ...(customerReference ? { customerReference } : {}),
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
    const only = async (filter: Record<string, string>) =>
      (await inboxPage(db, inboxFilterFrom(new URLSearchParams(filter), 1), today)).rows.map((row) => row.reference);
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
    const only = async (q: string) => (await inboxPage(db, inboxFilterFrom(new URLSearchParams({ q }), 1), today)).rows.map((row) => row.reference);
    expect(await only('anna_nowak')).toEqual([underscored.reference]);
    expect(await only('ANNA_')).toEqual([underscored.reference]);
    expect(await only('%nowak')).toEqual([]);
  });

  test('finds a request by the requester’s name (case, accents, final sigma), customer reference and phone number however typed', async () => {
    const eleni = await received(3, 'access', 'eg@example.com', 'Ελένη Γεωργίου', 'OST-10231');
    const lech = await received(4, 'erasure', 'lw@example.pl', 'Lech Wałęsa');
    const ivan = await received(5, 'access', 'iv@example.bg', 'Николай Иванов');
    await store.transaction((tx) => tx.update(requests).set({ phone: '+48600100200' }).where(eq(requests.reference, lech.reference)));
    const only = async (q: string) => (await inboxPage(db, inboxFilterFrom(new URLSearchParams({ q }), 1), today)).rows.map((row) => row.reference);
    expect(await only('ελενη γεωργιου')).toEqual([eleni.reference]);
    expect(await only('ΓΕΩΡΓΊΟΥ')).toEqual([eleni.reference]);
    expect(await only('walesa')).toEqual([lech.reference]);
    expect(await only('иванов')).toEqual([ivan.reference]);
    expect(await only('ost-1023')).toEqual([eleni.reference]);
    expect(await only('600 100 200')).toEqual([lech.reference]);
    expect(await only('+48 600-100-200')).toEqual([lech.reference]);
    // A few digits are a reference or customer number being typed, not a phone number.
    expect(await only('200')).toEqual([]);
    expect(await only('Ψ')).toEqual([]);
  });

  test('filters by the DPO the request is assigned to, or requests nobody has', async () => {
    const mine = await received(3);
    const nobodys = await received(4);
    const [account] = await store.transaction((tx) =>
      tx.insert(dpoUsers).values({ email: 'dpo@ostria.example', passwordHash: 'x', locale: 'el', createdAt: noonToday }).returning({ id: dpoUsers.id }),
    );
    await store.transaction((tx) =>
      tx
        .update(requests)
        .set({ assignedTo: account?.id ?? 0 })
        .where(eq(requests.reference, mine.reference)),
    );
    const only = async (assigned: string) =>
      (await inboxPage(db, inboxFilterFrom(new URLSearchParams({ assigned }), account?.id ?? 0), today)).rows.map((row) => row.reference);
    expect(await only('me')).toEqual([mine.reference]);
    expect(await only('nobody')).toEqual([nobodys.reference]);
    expect(await only('someone-else')).toHaveLength(2);
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
