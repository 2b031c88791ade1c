import { isReference } from './requests.ts';
import { readSignedValue, signValue } from './signed-value.ts';

/** What the confirmation page shows after a submission: which request, and whether its email went out. */
export interface Receipt {
  reference: string;
  emailSent: boolean;
}

/** How long the confirmation page can be reopened after submitting, in seconds. */
export const receiptLifetimeSeconds = 60 * 60;

const purpose = 'request-receipt';

/**
 * The receipt cookie's value: `<reference>.<0|1>.<expires>` signed with the portal secret. The expiry is inside the
 * signature, so a copied value stops working when the cookie would have, whatever the browser does with Max-Age.
 */
export function formatReceipt(secret: string, receipt: Receipt, nowSeconds: number): string {
  return signValue(secret, purpose, `${receipt.reference}.${receipt.emailSent ? 1 : 0}.${Math.floor(nowSeconds) + receiptLifetimeSeconds}`);
}

/** The receipt a cookie value carries, or undefined when it is absent, unsigned, altered, malformed or expired. */
export function parseReceipt(secret: string, value: string | undefined, nowSeconds: number): Receipt | undefined {
  const match = /^(DSR-\d{4}-[0-9A-Z]{6})\.([01])\.(\d{1,12})$/.exec(readSignedValue(secret, purpose, value) ?? '');
  if (!match?.[1] || !isReference(match[1]) || Number(match[3]) <= nowSeconds) return undefined;
  return { reference: match[1], emailSent: match[2] === '1' };
}
