import type { ConsentDecision } from '../lib/banner-config.ts';

/** 128 random bits as 22 characters of base64url, the format of a consent id. */
export function newConsentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .slice(0, 22);
}

/**
 * Posts the decision as text/plain JSON: a CORS "simple" request (no preflight) that sendBeacon delivers even when
 * the page unloads or reloads right after. fetch with keepalive is the fallback when the beacon is refused.
 */
export function sendDecision(endpoint: string, decision: ConsentDecision): void {
  const json = JSON.stringify(decision);
  if (navigator.sendBeacon?.(endpoint, new Blob([json], { type: 'text/plain' }))) return;
  fetch(endpoint, { method: 'POST', body: json, headers: { 'content-type': 'text/plain' }, keepalive: true, mode: 'cors' }).catch(
    () => {},
  );
}
