import { portalOrigins as originsOf, type PortalHosts } from '../lib/canonical-origin.ts';
import { publicUrlIsHttps, type Environment } from '../lib/environment.ts';
import { getPortal } from './portal.ts';

/** The validated environment the portal was built from. */
export function getEnvironment(): Environment {
  return getPortal().environment;
}

/** The canonical origin and the host names the portal answers for (PUBLIC_URL, PORT, ALLOWED_HOSTS). */
export function getPortalHosts(): PortalHosts {
  return getPortal().hosts;
}

/** The portal's canonical origin: PUBLIC_URL, else http://localhost:PORT. Never the origin a request names. */
export function portalOrigin(): string {
  return getPortalHosts().origin;
}

/** The origins the portal's own pages may be loaded from (the canonical one and its other accepted host names). */
export function portalOrigins(): string[] {
  return originsOf(getPortalHosts());
}

/**
 * True when visitors reach the portal over HTTPS: the request itself, or PUBLIC_URL when a proxy terminates TLS in
 * front of the portal. Every cookie the portal sets is `Secure` then.
 */
export function servedOverHttps(requestUrl: URL): boolean {
  return requestUrl.protocol === 'https:' || publicUrlIsHttps(getEnvironment());
}
