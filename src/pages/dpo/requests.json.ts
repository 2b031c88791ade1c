import type { APIRoute } from 'astro';
import { localDate } from '../../lib/deadline.ts';
import { inboxAll, inboxFilterSchema } from '../../lib/inbox.repo.ts';
import { describeRequest, requestSchemaVersion } from '../../lib/subject-export.ts';
import { eventsOf } from '../../lib/requests.repo.ts';
import { getStore } from '../../server/db.ts';
import { signedInDpo, unauthorized } from '../../server/dpo-auth.ts';
import { portalOrigin } from '../../server/environment.ts';
import { getOrganisation } from '../../server/organisation.ts';

/** The inbox's filtered list as JSON: each request in the request.v1 shape, with its audit trail. */
export const GET: APIRoute = async ({ cookies, url }) => {
  if (!(await signedInDpo(cookies))) return unauthorized();
  const filter = inboxFilterSchema.parse(Object.fromEntries(url.searchParams));
  const now = Date.now();
  const { rows, events } = await getStore().read(async (db) => {
    const found = await inboxAll(db, filter, localDate(now, getOrganisation().timeZone));
    const trails = new Map<number, Awaited<ReturnType<typeof eventsOf>>>();
    for (const row of found) trails.set(row.id, await eventsOf(db, row.id));
    return { rows: found, events: trails };
  });
  const body = {
    generatedAt: new Date(now).toISOString(),
    filter: { status: filter.status ?? null, type: filter.type ?? null, due: filter.due ?? null, q: filter.q ?? null },
    requestSchema: `${portalOrigin()}/schemas/request.v${requestSchemaVersion}.json`,
    count: rows.length,
    requests: rows.map((row) => describeRequest(row, events.get(row.id) ?? [], 'dpo', { timeZone: getOrganisation().timeZone, now })),
  };
  return new Response(JSON.stringify(body, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': 'attachment; filename="requests.json"', 'Cache-Control': 'no-store' },
  });
};
