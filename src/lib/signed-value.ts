import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A value the portal hands out and later believes (a cookie that selects or reveals data): `<value>.<mac>`, the mac an
 * HMAC-SHA256 of the purpose and the value under the portal secret, base64url (43 characters). The purpose keeps a
 * signature made for one cookie from being accepted as another.
 */
export function signValue(secret: string, purpose: string, value: string): string {
  return `${value}.${mac(secret, purpose, value)}`;
}

/** The value of a signed value, or undefined when it is unsigned, signed for another purpose, or altered. */
export function readSignedValue(secret: string, purpose: string, signed: string | null | undefined): string | undefined {
  if (!signed || signed.length > 512) return undefined;
  const cut = signed.lastIndexOf('.');
  if (cut < 1) return undefined;
  const value = signed.slice(0, cut);
  const given = Buffer.from(signed.slice(cut + 1), 'utf8');
  const expected = Buffer.from(mac(secret, purpose, value), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
}

function mac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${value}`, 'utf8').digest('base64url');
}
