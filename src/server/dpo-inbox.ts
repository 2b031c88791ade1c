import { localDate } from '../lib/deadline.ts';
import { allDpoUsers } from '../lib/dpo.repo.ts';
import { openByWeekDue } from '../lib/inbox-chart.ts';
import { clockStoppedAmong, inboxAll, inboxCounts, inboxPage, openDueDates, type InboxFilter } from '../lib/inbox.repo.ts';
import { eventsOf } from '../lib/requests.repo.ts';
import { describeRequest, requestSchemaVersion } from '../lib/subject-export.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';

/**
 * The DPO's inbox as the filter asks: one page of requests, the counts behind the filter links and the open requests
 * by the week they fall due, read in one snapshot against today in the organisation's time zone.
 */
export async function openInbox(filter: InboxFilter) {
  const { store, organisation, clock } = getPortal();
  const today = localDate(clock(), organisation.timeZone);
  const found = await store.read(async (db) => {
    const page = await inboxPage(db, filter, today);
    return {
      ...page,
      // The waiting requests on the page whose deadline stands still: they show no days left.
      clockStopped: await clockStoppedAmong(
        db,
        page.rows.filter((row) => row.status === 'waiting').map((row) => row.id),
      ),
      counts: await inboxCounts(db, today),
      dueDates: await openDueDates(db),
      // Disabled accounts too: a request stays assigned to whoever had it until someone takes it over.
      accounts: await allDpoUsers(db),
    };
  });
  const assignees = new Map(found.accounts.map((account) => [account.id, account.email]));
  return { ...found, assignees, today, weeks: openByWeekDue(found.dueDates, today) };
}

/** The inbox's filtered list as one JSON document: each request in the request.v1 shape, with its audit trail. */
export async function exportInbox(filter: InboxFilter) {
  const { store, organisation, clock } = getPortal();
  const now = clock();
  const { rows, events } = await store.read(async (db) => {
    const found = await inboxAll(db, filter, localDate(now, organisation.timeZone));
    const trails = new Map<number, Awaited<ReturnType<typeof eventsOf>>>();
    for (const row of found) trails.set(row.id, await eventsOf(db, row.id));
    return { rows: found, events: trails };
  });
  return {
    generatedAt: new Date(now).toISOString(),
    filter: { status: filter.status ?? null, type: filter.type ?? null, due: filter.due ?? null, q: filter.q ?? null },
    requestSchema: `${portalOrigin()}/schemas/request.v${requestSchemaVersion}.json`,
    count: rows.length,
    requests: rows.map((row) => describeRequest(row, events.get(row.id) ?? [], 'dpo', { timeZone: organisation.timeZone, now })),
  };
}
