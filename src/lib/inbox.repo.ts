import type { RequestRow } from '../../db/rows.ts';
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/store.ts';
import { requestEvents, requests } from '../../db/tables.ts';
import { addCalendarDays, dueSoonDays } from './deadline.ts';
import { emailLookupKey, phoneLookupKey } from './email-address.ts';
import { nameSearchKey } from './search-text.ts';
import { isoDateDaysBefore, matchesText } from './sql-dialect.ts';
import { openStatuses } from './request-workflow.ts';
import { requestStatuses, requestTypes } from './requests.ts';

// The same statuses as isOpen() in request-workflow.ts, as one SQL condition for counting and ordering.
const isOpenRequest = sql`${requests.status} in ${openStatuses}`;
// While the requester's answer to a question is awaited the deadline stands still (information-wait.ts): a request
// waiting since a question asked on or before its due date (and after its last answer) is neither overdue nor due
// soon, and has no due date to chart. One asked once the deadline had passed stopped nothing: that request stays late.
const lastAnswerAt = sql`coalesce((select max(${requestEvents.occurredAt}) from ${requestEvents} where ${requestEvents.requestId} = ${requests.id} and ${requestEvents.kind} = 'information-provided'), 0)`;
const clockStopped = sql`(${requests.status} = 'waiting' and exists (select 1 from ${requestEvents} where ${requestEvents.requestId} = ${requests.id} and ${requestEvents.kind} = 'information-requested' and ${requestEvents.occurredAt} <= ${requests.dueAt} and ${requestEvents.occurredAt} > ${lastAnswerAt}))`;
// An open request whose clock runs.
const clockRuns = sql`(${isOpenRequest} and not ${clockStopped})`;

/*
 * The deadline in force, as deadlineInForce() in deadline.ts has it: the extended one, unless the extension was granted
 * after the first deadline ran out (the portal refuses that now; rows extended late before issue 13 stay late). The
 * first deadline is `due_on` minus `extension_days`. SQLite has no time zones, so the first deadline's end is taken as
 * `due_at` minus the added days, off by at most the hour a DST change moves; only such old late extensions depend on it.
 */
const extendedAt = sql`(select min(${requestEvents.occurredAt}) from ${requestEvents} where ${requestEvents.requestId} = ${requests.id} and ${requestEvents.kind} = 'extended')`;
// bigint: 60 days of milliseconds overflow PostgreSQL's integer.
const firstDueAt = sql`(${requests.dueAt} - cast(${requests.extensionDays} as bigint) * 86400000)`;
const extendedLate = sql`(${requests.extensionDays} is not null and ${extendedAt} > ${firstDueAt})`;
const dueOnInForce = sql<string>`(case when ${extendedLate} then ${isoDateDaysBefore(requests.dueOn, requests.extensionDays)} else ${requests.dueOn} end)`;
/**
 * Answered after the deadline in force: late for good, whatever happened later. Written so that most rows are decided
 * by two comparisons (after the due date, or never extended); only an extended request answered within its extension
 * looks up when the extension was granted.
 */
const answeredLate = sql`(${requests.closedAt} is not null and (${requests.closedAt} > ${requests.dueAt} or (${requests.extensionDays} is not null and ${requests.closedAt} > ${firstDueAt} and ${extendedAt} > ${firstDueAt})))`;

/** The inbox's filters as they arrive in the query string; anything unknown is ignored, not an error. */
export const inboxFilterSchema = z.object({
  status: z
    .enum([...requestStatuses, 'open'])
    .optional()
    .catch(undefined),
  type: z.enum(requestTypes).optional().catch(undefined),
  due: z.enum(['overdue', 'soon', 'late']).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(254)
    .optional()
    .catch(undefined)
    .transform((value) => value || undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  /** `me`: the signed-in DPO's requests; `nobody`: not assigned. Resolved to an account id by the page. */
  assigned: z.enum(['me', 'nobody']).optional().catch(undefined),
});
/** The filter as the repository reads it: `assigned` names an account (the page resolves `me`), or `nobody`. */
export type InboxFilter = Partial<Omit<z.infer<typeof inboxFilterSchema>, 'assigned'>> & { assigned?: number | 'nobody' | undefined };

/** The inbox's filter from its query string, `assigned=me` read as the signed-in DPO's account. */
export function inboxFilterFrom(query: URLSearchParams, dpoUserId: number): InboxFilter {
  const { assigned, ...rest } = inboxFilterSchema.parse(Object.fromEntries(query));
  return { ...rest, assigned: assigned === 'me' ? dpoUserId : assigned };
}

export const inboxPageSize = 25;

function conditions(filter: InboxFilter, today: string): SQL | undefined {
  const parts: (SQL | undefined)[] = [];
  if (filter.status === 'open') parts.push(isOpenRequest);
  else if (filter.status) parts.push(eq(requests.status, filter.status));
  if (filter.type) parts.push(eq(requests.type, filter.type));
  if (filter.due === 'overdue') parts.push(and(clockRuns, lt(dueOnInForce, today)));
  if (filter.due === 'soon') parts.push(and(clockRuns, gte(dueOnInForce, today), lte(dueOnInForce, addCalendarDays(today, dueSoonDays))));
  // Late: still open past the deadline in force, or answered after it.
  if (filter.due === 'late') parts.push(or(and(clockRuns, lt(dueOnInForce, today)), answeredLate));
  if (filter.assigned === 'nobody') parts.push(isNull(requests.assignedTo));
  else if (typeof filter.assigned === 'number') parts.push(eq(requests.assignedTo, filter.assigned));
  if (filter.q) parts.push(searchCondition(filter.q));
  return parts.length ? and(...parts) : undefined;
}

/**
 * What the DPO's search box finds: the reference from its start in any letter case, the requester's name anywhere in
 * it (case, accents and final sigma folded: `nameSearchKey`), the email address anywhere, the customer reference from
 * its start, and, for something typed like a phone number (at least 4 digits), the number however it was written.
 */
function searchCondition(q: string): SQL | undefined {
  const alternatives = [
    matchesText(requests.reference, q.toUpperCase(), 'start'),
    matchesText(requests.nameKey, nameSearchKey(q), 'anywhere'),
    matchesText(requests.emailKey, emailLookupKey(q), 'anywhere'),
    matchesText(requests.customerReference, q.trim(), 'start'),
  ];
  const phone = phoneLookupKey(q);
  if (/^\+?[\d\s().-]+$/.test(q.trim()) && phone.replace('+', '').length >= 4) alternatives.push(matchesText(requests.phone, phone, 'anywhere'));
  return or(...alternatives);
}

/** The statuses of answered requests: every status that is not open. */
const closedStatuses = requestStatuses.filter((status) => !openStatuses.includes(status));

/**
 * One page of the inbox: open requests first, by deadline (so the overdue come first), then closed ones by
 * deadline, newest first (ties by id).
 *
 * Each part is read in the order of the `(status, due_at)` index, one status at a time, so the first pages cost a few
 * index steps however many requests were ever answered, instead of sorting all of them.
 */
export async function inboxPage(
  db: Executor,
  filter: InboxFilter,
  today: string,
  pageSize = inboxPageSize,
): Promise<{ rows: RequestRow[]; total: number; page: number; pages: number }> {
  const where = conditions(filter, today);
  const total = await countWhere(db, where);
  const openTotal = filter.status && filter.status !== 'open' && !openStatuses.includes(filter.status) ? 0 : await countWhere(db, and(where, isOpenRequest));
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(filter.page ?? 1, pages);
  const offset = (page - 1) * pageSize;
  const rows: RequestRow[] = [];
  if (offset < openTotal) {
    rows.push(
      ...(await db.select().from(requests).where(and(where, isOpenRequest)).orderBy(asc(requests.dueAt), asc(requests.id)).limit(pageSize).offset(offset)),
    );
  }
  const wanted = pageSize - rows.length;
  if (wanted > 0 && total > openTotal) {
    const closedOffset = Math.max(0, offset - openTotal);
    // The first `closedOffset + wanted` of each closed status, merged: the page is among them.
    const perStatus = await Promise.all(
      closedStatuses.map((status) =>
        db
          .select()
          .from(requests)
          .where(and(where, eq(requests.status, status)))
          .orderBy(desc(requests.dueAt), asc(requests.id))
          .limit(closedOffset + wanted),
      ),
    );
    const merged = perStatus.flat().sort((a, b) => b.dueAt - a.dueAt || a.id - b.id);
    rows.push(...merged.slice(closedOffset, closedOffset + wanted));
  }
  return { rows, total, page, pages };
}

/** Which of these requests wait for the requester with their deadline standing still (see `clockStopped`). */
export async function clockStoppedAmong(db: Executor, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(inArray(requests.id, [...ids]), clockStopped));
  return new Set(rows.map((row) => row.id));
}

async function countWhere(db: Executor, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ total: count() }).from(requests).where(where);
  return row?.total ?? 0;
}

/** Every request matching the filter (for the JSON download), in inbox order. */
export async function inboxAll(db: Executor, filter: InboxFilter, today: string): Promise<RequestRow[]> {
  return (await inboxPage(db, { ...filter, page: 1 }, today, 1_000_000)).rows;
}

export interface InboxCounts {
  open: number;
  overdue: number;
  dueSoon: number;
  /** Answered after the deadline in force. */
  answeredLate: number;
  completed: number;
  rejected: number;
}

/** The inbox's counts: open ones read through the status index (few), answered ones counted in it (no table reads). */
export async function inboxCounts(db: Executor, today: string): Promise<InboxCounts> {
  const soonEnd = addCalendarDays(today, dueSoonDays);
  const [open] = await db
    .select({
      open: count(),
      overdue: sql<number>`coalesce(sum(case when ${clockRuns} and ${dueOnInForce} < ${today} then 1 else 0 end), 0)`.mapWith(Number),
      dueSoon:
        sql<number>`coalesce(sum(case when ${clockRuns} and ${dueOnInForce} >= ${today} and ${dueOnInForce} <= ${soonEnd} then 1 else 0 end), 0)`.mapWith(
          Number,
        ),
    })
    .from(requests)
    .where(isOpenRequest);
  const answered = (status: 'completed' | 'rejected') => countWhere(db, eq(requests.status, status));
  const answeredLateCount = await countWhere(db, and(sql`${requests.status} in ${closedStatuses}`, answeredLate));
  return {
    open: open?.open ?? 0,
    overdue: open?.overdue ?? 0,
    dueSoon: open?.dueSoon ?? 0,
    answeredLate: answeredLateCount,
    completed: await answered('completed'),
    rejected: await answered('rejected'),
  };
}

/** How many open requests whose clock runs fall due on each date (a waiting one has no due date yet). */
export async function openDueDates(db: Executor): Promise<{ dueOn: string; count: number }[]> {
  return db.select({ dueOn: dueOnInForce, count: count() }).from(requests).where(clockRuns).groupBy(dueOnInForce);
}

/** How many requests the database holds in each status (every status named, 0 when none): for the metrics scrape. */
export async function requestCountsByStatus(db: Executor): Promise<Record<(typeof requestStatuses)[number], number>> {
  const counts = Object.fromEntries(requestStatuses.map((status) => [status, 0])) as Record<(typeof requestStatuses)[number], number>;
  for (const row of await db.select({ status: requests.status, count: count() }).from(requests).groupBy(requests.status)) counts[row.status] = row.count;
  return counts;
}
