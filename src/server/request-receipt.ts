import type { AstroCookies } from 'astro';
import { formatReceipt, parseReceipt, receiptLifetimeSeconds, type Receipt } from '../lib/request-receipt.ts';
import { servedOverHttps } from './environment.ts';
import { getPortalSecret } from './secret.ts';
import { getPortal } from './portal.ts';

/**
 * After a request is submitted, its reference is kept for an hour in a signed cookie scoped to the requests pages, so
 * the confirmation page can be refreshed (or reopened) without the reference ever being in a URL. Only a value the
 * portal signed is believed: a reference typed into the cookie shows nothing.
 */
export const receiptCookie = 'portal_request';

export function setReceipt(cookies: AstroCookies, locale: string, url: URL, receipt: Receipt): void {
  cookies.set(receiptCookie, formatReceipt(getPortalSecret(), receipt, getPortal().clock() / 1000), {
    path: `/${locale}/requests`,
    maxAge: receiptLifetimeSeconds,
    httpOnly: true,
    sameSite: 'strict',
    secure: servedOverHttps(url),
  });
}

/** The receipt of this browser's last submission, or undefined. */
export function readReceipt(cookies: AstroCookies): Receipt | undefined {
  return parseReceipt(getPortalSecret(), cookies.get(receiptCookie)?.value, getPortal().clock() / 1000);
}
