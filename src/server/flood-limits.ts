import { floodLimitsFor, type FloodLimits } from '../lib/flood-limits.ts';
import { getStore } from './db.ts';
import { getEnvironment } from './environment.ts';

let limits: FloodLimits | undefined;

/**
 * Where this process counts its flood limits and sign-in attempts: in memory on SQLite, in the database on PostgreSQL
 * (keyed with PORTAL_SECRET, so every instance counts a visitor under the same row). Built once, on first use.
 */
export function getFloodLimits(): FloodLimits {
  limits ??= floodLimitsFor(getStore(), { secret: getEnvironment().PORTAL_SECRET });
  return limits;
}
