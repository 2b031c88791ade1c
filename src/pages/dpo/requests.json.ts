import type { APIRoute } from 'astro';
import { inboxFilterFrom } from '../../lib/inbox.repo.ts';
import { signedInDpo, unauthorized } from '../../server/dpo-auth.ts';
import { exportInbox } from '../../server/dpo-inbox.ts';

/** The inbox's filtered list as JSON: each request in the request.v1 shape, with its audit trail. */
export const GET: APIRoute = async ({ cookies, url }) => {
  const dpo = await signedInDpo(cookies);
  if (!dpo) return unauthorized();
  const filter = inboxFilterFrom(url.searchParams, dpo.user.id);
  const body = await exportInbox(filter);
  return new Response(JSON.stringify(body, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': 'attachment; filename="requests.json"', 'Cache-Control': 'no-store' },
  });
};
