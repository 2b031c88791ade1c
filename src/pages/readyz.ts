import type { APIRoute } from 'astro';
import { migrationProblem, migrationState } from '../../db/migration-state.ts';
import type { SqliteStore } from '../../db/store.ts';
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
    else if (store.dialect === 'sqlite') {
      const { handle } = store as SqliteStore;
      // In the store's turn: the migrations table is read on the connection every request shares.
      reason = await store.read(() => migrationProblem(migrationState(handle.$client)));
    }
  } catch {
    reason = 'the database cannot be opened';
  }
  if (reason) return Response.json({ status: 'unavailable', reason }, { status: 503, headers });
  return Response.json({ status: 'ready' }, { headers });
};
