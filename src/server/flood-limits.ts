import type { FloodLimits } from '../lib/flood-limits.ts';
import { getPortal } from './portal.ts';

/** Where this process counts its flood limits and sign-in attempts: the portal's (see `Portal.limits.flood`). */
export function getFloodLimits(): FloodLimits {
  return getPortal().limits.flood;
}
