import type { APIRoute } from 'astro';
import { databaseAnswers } from '../../db/connection.ts';
import { migrationProblem, migrationState } from '../../db/migration-state.ts';
import { getDatabase } from '../server/db.ts';

/**
 * 200 when this instance can serve: its database answers and holds exactly the migrations of this version; 503 with
 * the reason otherwise (for a load balancer's readiness check and the operator reading it). Never a stack trace.
 */
export const GET: APIRoute = () => {
  const headers = { 'Cache-Control': 'no-store' };
  let reason: string | undefined;
  try {
    const db = getDatabase();
    reason = databaseAnswers(db) ? migrationProblem(migrationState(db.$client)) : 'the database does not answer';
  } catch {
    reason = 'the database cannot be opened';
  }
  if (reason) return Response.json({ status: 'unavailable', reason }, { status: 503, headers });
  return Response.json({ status: 'ready' }, { headers });
};
