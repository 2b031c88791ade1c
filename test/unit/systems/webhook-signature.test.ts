import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { signBody, verifySignature } from '../../../src/lib/systems/webhook-signature.ts';

const secret = 'a webhook secret of at least 32 characters';
const body = '{"version":1,"task":7}';
const now = Date.UTC(2026, 11, 4, 10, 0, 0);
const timestamp = String(Math.floor(now / 1000));

describe('signBody() / verifySignature()', () => {
  test('the signature is the HMAC-SHA256 of "<timestamp>.<body>" a receiver can recompute with the secret', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signBody(secret, timestamp, body)).toBe(`sha256=${expected}`);
    expect(verifySignature(secret, timestamp, signBody(secret, timestamp, body), body, now)).toBeUndefined();
  });

  test('another secret, a changed body or a missing header is a bad signature', () => {
    const signature = signBody(secret, timestamp, body);
    expect(verifySignature('another secret of at least 32 characters!', timestamp, signature, body, now)).toBe('badSignature');
    expect(verifySignature(secret, timestamp, signature, `${body} `, now)).toBe('badSignature');
    expect(verifySignature(secret, timestamp, undefined, body, now)).toBe('badSignature');
    expect(verifySignature(secret, 'soon', signature, body, now)).toBe('badSignature');
  });

  test('a timestamp more than 5 minutes off is stale, even with its own valid signature', () => {
    const old = String(Math.floor(now / 1000) - 301);
    expect(verifySignature(secret, old, signBody(secret, old, body), body, now)).toBe('staleTimestamp');
    const recent = String(Math.floor(now / 1000) - 299);
    expect(verifySignature(secret, recent, signBody(secret, recent, body), body, now)).toBeUndefined();
  });
});
