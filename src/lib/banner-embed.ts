import { createHash } from 'node:crypto';

/** The Subresource Integrity value of the banner's code: `sha384-` and the base64 digest, as browsers check it. */
export function subresourceIntegrity(code: string | Uint8Array): string {
  return `sha384-${createHash('sha384').update(code).digest('base64')}`;
}

/** The tag a site owner puts in their pages: pinned to this exact banner by its hash, fetched without credentials. */
export function embedTag(portalOrigin: string, siteId: string, integrity: string): string {
  return `<script src="${portalOrigin}/banner.js" data-site="${siteId}" integrity="${integrity}" crossorigin="anonymous" defer></script>`;
}

/**
 * What an embedding site's own Content-Security-Policy must allow for the banner: loading the script from the portal
 * and talking to it (the configuration fetch and the decision beacon). The banner styles itself with a constructed
 * stylesheet inside its shadow root, so `style-src` needs nothing, not even 'unsafe-inline'.
 */
export function embedderCspDirectives(portalOrigin: string): { 'script-src': string; 'connect-src': string } {
  return { 'script-src': portalOrigin, 'connect-src': portalOrigin };
}
