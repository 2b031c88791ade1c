import type { Environment } from './environment.ts';
import { memoryFloodLimits, type FloodLimits } from './flood-limits.ts';

const minute = 60_000;
const hour = 60 * minute;

/**
 * How many consent decisions one visitor (an IPv4 address or an IPv6 /64, `floodKey` in visitor-address.ts) may have
 * recorded: records are append-only, so a script that posts in a loop would otherwise fill the database for good.
 */
export interface DecisionLimits {
  /** Counts one decision of a visitor: 0 when it may be recorded, else the whole seconds until one may. */
  admit(visitorKey: string): Promise<number>;
}

/**
 * A minute's budget against bursts, and an hour's against a steady trickle, counted where `flood` counts (in memory
 * for one process, or in the database on PostgreSQL: see `floodLimitsFor`).
 */
export function createDecisionLimits(settings: { perMinute: number; perHour: number }, flood: FloodLimits): DecisionLimits {
  const perMinute = flood.perWindow('consent-minute', settings.perMinute, minute);
  const perHour = flood.perWindow('consent-hour', settings.perHour, hour);
  return {
    async admit(visitorKey) {
      if (!(await perMinute.allow(visitorKey))) return perMinute.retryAfterSeconds(visitorKey);
      if (!(await perHour.allow(visitorKey))) return perHour.retryAfterSeconds(visitorKey);
      return 0;
    },
  };
}

/** The decision limits the environment sets, counted where `flood` counts. */
export function decisionLimitsOf(
  environment: Pick<Environment, 'CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS' | 'CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS'>,
  flood: FloodLimits = memoryFloodLimits(),
): DecisionLimits {
  return createDecisionLimits(
    { perMinute: environment.CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS, perHour: environment.CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS },
    flood,
  );
}
