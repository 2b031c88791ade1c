import type { Organisation } from '../lib/organisation.ts';
import { getPortal } from './portal.ts';

/** The organisation's details from content/organisation.json, validated when the portal is built. */
export function getOrganisation(): Organisation {
  return getPortal().organisation;
}
