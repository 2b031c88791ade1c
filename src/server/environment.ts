import { publicUrlIsHttps, readEnvironment, type Environment } from '../lib/environment.ts';

let environment: Environment | undefined;

/** The validated process environment, read once. */
export function getEnvironment(): Environment {
  environment ??= readEnvironment(process.env);
  return environment;
}

/** The portal's public origin: PUBLIC_URL when set, else the origin the request came to. */
export function portalOrigin(requestUrl: URL): string {
  const configured = getEnvironment().PUBLIC_URL;
  return configured ? new URL(configured).origin : requestUrl.origin;
}

/**
 * True when visitors reach the portal over HTTPS: the request itself, or PUBLIC_URL when a proxy terminates TLS in
 * front of the portal. Every cookie the portal sets is `Secure` then.
 */
export function servedOverHttps(requestUrl: URL): boolean {
  return requestUrl.protocol === 'https:' || publicUrlIsHttps(getEnvironment());
}
