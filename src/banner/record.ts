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
 * Posts the decision as text/plain JSON: a CORS "simple" request (no preflight), kept alive so that it is delivered
 * even when the page unloads or reloads right after. True only once the portal answered that it recorded it (201):
 * a refusal (429, 403, 409) or a network failure is false.
 */
export function sendDecision(endpoint: string, decision: ConsentDecision): Promise<boolean> {
  return fetch(endpoint, {
    method: 'POST',
    body: JSON.stringify(decision),
    headers: { 'content-type': 'text/plain' },
    keepalive: true,
    mode: 'cors',
    credentials: 'omit',
  }).then(
    (response) => response.status === 201,
    () => false,
  );
}
