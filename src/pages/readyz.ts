import type { APIRoute } from 'astro';
import { migrationsProblem } from '../../db/store-status.ts';
import { getStore } from '../server/db.ts';

/**
 * 200 when this instance can serve: its database answers and holds exactly the migrations of this version; 503 with
 * the reason otherwise (for a load balancer's readiness check and the operator reading it). Never a stack trace.
 */
export const GET: APIRoute = async () => {
  const headers = { 'Cache-Control': 'no-store' };
  let reason: string | undefined;
  try {
    const store = getStore();
    if (!(await store.answers())) reason = 'the database does not answer';
    else reason = await migrationsProblem(store);
  } catch {
    reason = 'the database cannot be opened';
  }
  if (reason) return Response.json({ status: 'unavailable', reason }, { status: 503, headers });
  return Response.json({ status: 'ready' }, { headers });
};
