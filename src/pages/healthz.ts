import type { APIRoute } from 'astro';
import { databaseAnswers } from '../../db/connection.ts';
import { getDatabase } from '../server/db.ts';

/** 200 when the database answers, 503 otherwise; never a stack trace. */
export const GET: APIRoute = () => {
  let healthy = false;
  try {
    healthy = databaseAnswers(getDatabase());
  } catch {
    healthy = false;
  }
  return Response.json(
    { status: healthy ? 'ok' : 'unavailable' },
    { status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
};
