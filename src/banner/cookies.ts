import { consentCookieName, formatConsentCookie, parseConsentCookie, type ConsentCookie } from '../lib/consent-cookie.ts';

const pairs = () => document.cookie.split('; ');

/** The page's `portal_consent` cookie, or undefined when it is missing, malformed or expired. */
export function readConsent(): ConsentCookie | undefined {
  const pair = pairs().find((cookie) => cookie.startsWith(`${consentCookieName}=`));
  return parseConsentCookie(pair?.slice(consentCookieName.length + 1), Date.now() / 1000);
}

/** Writes the choice as a first-party cookie on the page's own host. */
export function writeConsent(cookie: ConsentCookie, maxAge: number): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in browsers our visitors use; one cookie, written whole
  document.cookie = `${consentCookieName}=${formatConsentCookie(cookie)};path=/;max-age=${maxAge};samesite=lax${
    location.protocol === 'https:' ? ';secure' : ''
  }`;
}

/** Deletes the page's `portal_consent` cookie. */
export function forgetConsent(): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in browsers our visitors use; one cookie, written whole
  document.cookie = `${consentCookieName}=;path=/;max-age=0`;
}

/**
 * Deletes the first-party cookies whose names match `patterns` (`_osa_*` matches by prefix), for path=/ on the
 * current host and on each of its parent domains, since a script may have set them on any of those.
 */
export function deleteCookies(patterns: string[]): void {
  const labels = location.hostname.split('.');
  for (const pair of pairs()) {
    const name = pair.split('=')[0] ?? '';
    if (!patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern))) continue;
    for (let index = 0; index <= labels.length; index++) {
      const domain = index < labels.length ? `;domain=${labels.slice(index).join('.')}` : '';
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in browsers our visitors use; one cookie, written whole
      document.cookie = `${name}=;path=/;max-age=0${domain}`;
    }
  }
}
