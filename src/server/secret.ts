import { getPortal } from './portal.ts';

/** The key for signed links: PORTAL_SECRET, else a random key kept (mode 0600) next to the database. */
export function getPortalSecret(): string {
  return getPortal().secrets.portalSecret();
}
