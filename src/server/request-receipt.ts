import type { AstroCookieSetOptions } from 'astro';
import { isReference } from '../lib/requests.ts';
import { servedOverHttps } from './environment.ts';

/**
 * After a request is submitted, its reference is kept for an hour in a cookie scoped to the requests pages, so the
 * confirmation page can be refreshed (or reopened) without the reference ever being in a URL.
 */
export const receiptCookie = 'portal_request';

export function receiptCookieOptions(locale: string, url: URL): AstroCookieSetOptions {
  return { path: `/${locale}/requests`, maxAge: 60 * 60, httpOnly: true, sameSite: 'strict', secure: servedOverHttps(url) };
}

/** The reference and whether its email went out, from the cookie; undefined when absent or malformed. */
export function readReceipt(value: string | undefined): { reference: string; emailSent: boolean } | undefined {
  const match = /^(DSR-\d{4}-[0-9A-Z]{6})\.([01])$/.exec(value ?? '');
  if (!match?.[1] || !isReference(match[1])) return undefined;
  return { reference: match[1], emailSent: match[2] === '1' };
}
