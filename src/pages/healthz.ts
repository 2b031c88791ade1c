import type { APIRoute } from 'astro';
import { getStore } from '../server/db.ts';

/** 200 when the database answers, 503 otherwise; never a stack trace. */
export const GET: APIRoute = async () => {
  let healthy = false;
  try {
    healthy = await getStore().answers();
  } catch {
    healthy = false;
  }
  return Response.json(
    { status: healthy ? 'ok' : 'unavailable' },
    { status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
};
