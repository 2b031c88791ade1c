import type { Site } from '../lib/site.ts';
import { getPortal } from './portal.ts';

/** A site allowed to embed the banner, from content/sites.json (validated when the portal is built). */
export function findSite(id: string): Site | undefined {
  return getPortal().sites.find((site) => site.id === id);
}

/** The portal itself as a site of the banner (content/sites.json must name it `portal`). */
export function portalSite(): Site {
  return findSite('portal') as Site;
}
