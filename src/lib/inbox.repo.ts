import { and, asc, count, eq, gte, like, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { PortalDatabase } from '../../db/connection.ts';
import { requests } from '../../db/schema.ts';
import { addCalendarDays, dueSoonDays } from './deadline.ts';
import { openStatuses } from './request-workflow.ts';
import { requestStatuses, requestTypes } from './requests.ts';
import type { RequestRow } from './requests.repo.ts';

// The same statuses as isOpen() in request-workflow.ts, as one SQL condition for counting and ordering.
const isOpenRequest = sql`${requests.status} in ${openStatuses}`;

/** The inbox's filters as they arrive in the query string; anything unknown is ignored, not an error. */
export const inboxFilterSchema = z.object({
  status: z.enum([...requestStatuses, 'open']).optional().catch(undefined),
  type: z.enum(requestTypes).optional().catch(undefined),
  due: z.enum(['overdue', 'soon']).optional().catch(undefined),
  q: z.string().trim().max(254).optional().catch(undefined).transform((value) => value || undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type InboxFilter = Partial<z.infer<typeof inboxFilterSchema>>;

export const inboxPageSize = 25;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function conditions(filter: InboxFilter, today: string): SQL | undefined {
  const parts: (SQL | undefined)[] = [];
  if (filter.status === 'open') parts.push(isOpenRequest);
  else if (filter.status) parts.push(eq(requests.status, filter.status));
  if (filter.type) parts.push(eq(requests.type, filter.type));
  if (filter.due === 'overdue') parts.push(and(isOpenRequest, lt(requests.dueOn, today)));
  if (filter.due === 'soon') parts.push(and(isOpenRequest, gte(requests.dueOn, today), lte(requests.dueOn, addCalendarDays(today, dueSoonDays))));
  if (filter.q) {
    const q = escapeLike(filter.q);
    parts.push(or(like(requests.reference, `${q.toUpperCase()}%`), like(requests.email, `%${q.toLowerCase()}%`)));
  }
  return parts.length ? and(...parts) : undefined;
}

/**
 * One page of the inbox: open requests first, by deadline (so the overdue come first), then closed ones by
 * deadline, newest first.
 */
export function inboxPage(db: PortalDatabase, filter: InboxFilter, today: string, pageSize = inboxPageSize): { rows: RequestRow[]; total: number; page: number; pages: number } {
  const where = conditions(filter, today);
  const total = db.select({ total: count() }).from(requests).where(where).get()?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(filter.page ?? 1, pages);
  const closedLast = sql`case when ${isOpenRequest} then 0 else 1 end`;
  const rows = db
    .select()
    .from(requests)
    .where(where)
    .orderBy(closedLast, sql`case when ${isOpenRequest} then ${requests.dueAt} else -${requests.dueAt} end`, asc(requests.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { rows, total, page, pages };
}

/** Every request matching the filter (for the JSON download), in inbox order. */
export function inboxAll(db: PortalDatabase, filter: InboxFilter, today: string): RequestRow[] {
  return inboxPage(db, { ...filter, page: 1 }, today, 1_000_000).rows;
}

export interface InboxCounts {
  open: number;
  overdue: number;
  dueSoon: number;
  completed: number;
  rejected: number;
}

export function inboxCounts(db: PortalDatabase, today: string): InboxCounts {
  const soonEnd = addCalendarDays(today, dueSoonDays);
  const row = db
    .select({
      open: sql<number>`sum(case when ${isOpenRequest} then 1 else 0 end)`,
      overdue: sql<number>`sum(case when ${isOpenRequest} and ${requests.dueOn} < ${today} then 1 else 0 end)`,
      dueSoon: sql<number>`sum(case when ${isOpenRequest} and ${requests.dueOn} >= ${today} and ${requests.dueOn} <= ${soonEnd} then 1 else 0 end)`,
      completed: sql<number>`sum(case when ${requests.status} = 'completed' then 1 else 0 end)`,
      rejected: sql<number>`sum(case when ${requests.status} = 'rejected' then 1 else 0 end)`,
    })
    .from(requests)
    .get();
  return { open: row?.open ?? 0, overdue: row?.overdue ?? 0, dueSoon: row?.dueSoon ?? 0, completed: row?.completed ?? 0, rejected: row?.rejected ?? 0 };
}

/** How many open requests fall due on each date. */
export function openDueDates(db: PortalDatabase): { dueOn: string; count: number }[] {
  return db
    .select({ dueOn: requests.dueOn, count: count() })
    .from(requests)
    .where(isOpenRequest)
    .groupBy(requests.dueOn)
    .all();
}
