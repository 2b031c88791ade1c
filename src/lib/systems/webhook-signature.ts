import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature of the webhook protocol, both ways: `X-Portal-Signature: sha256=<hex HMAC-SHA256(secret,
// "<timestamp>.<raw body>")>` beside `X-Portal-Timestamp: <unix seconds>`.

/** How far a timestamp may be from the receiver's clock before the message is refused as a replay. */
export const signatureWindowSeconds = 300;

/** The header value for a body sent at `timestamp` (unix seconds). */
export function signBody(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export type SignatureProblem = 'badSignature' | 'staleTimestamp';

/** Undefined when the signature is the secret's over this timestamp and body and the timestamp is in the window. */
export function verifySignature(
  secret: string,
  timestamp: string | null | undefined,
  signature: string | null | undefined,
  body: string,
  nowMs: number,
): SignatureProblem | undefined {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return 'badSignature';
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'badSignature';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > signatureWindowSeconds) return 'staleTimestamp';
  return undefined;
}
