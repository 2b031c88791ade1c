import { describe, expect, test } from 'vitest';
import { formatPortalConsentCookie, parsePortalConsentCookie } from '../../src/lib/portal-consent-cookie.ts';
import { formatConsentCookie } from '../../src/lib/consent-cookie.ts';
import { formatReceipt, parseReceipt } from '../../src/lib/request-receipt.ts';
import { readSignedValue, signValue } from '../../src/lib/signed-value.ts';

const secret = 'a-portal-secret-of-at-least-32-characters';
const other = 'another-portal-secret-of-32-characters!!';

describe('signValue() and readSignedValue()', () => {
  test('give back the value the portal signed, for the purpose it was signed for', () => {
    const signed = signValue(secret, 'test', 'DSR-2026-7KQ4M2.1');
    expect(signed).toMatch(/^DSR-2026-7KQ4M2\.1\.[A-Za-z0-9_-]{43}$/);
    expect(readSignedValue(secret, 'test', signed)).toBe('DSR-2026-7KQ4M2.1');
  });

  test('refuse an unsigned, altered, re-used or foreign value', () => {
    const signed = signValue(secret, 'test', 'DSR-2026-7KQ4M2.1');
    const mac = signed.slice(signed.lastIndexOf('.') + 1);
    expect(readSignedValue(secret, 'test', 'DSR-2026-7KQ4M2.1')).toBeUndefined();
    expect(readSignedValue(secret, 'test', `DSR-2026-AAAAAA.1.${mac}`)).toBeUndefined();
    expect(readSignedValue(secret, 'test', `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(readSignedValue(secret, 'another purpose', signed)).toBeUndefined();
    expect(readSignedValue(other, 'test', signed)).toBeUndefined();
    for (const junk of ['', '.', `.${mac}`, 'x'.repeat(600), undefined, null]) expect(readSignedValue(secret, 'test', junk)).toBeUndefined();
  });
});

describe('the portal_request receipt cookie', () => {
  const now = 1_800_000_000;
  const receipt = { reference: 'DSR-2026-7KQ4M2', emailSent: true };

  test('round-trips for an hour, then shows nothing', () => {
    const value = formatReceipt(secret, receipt, now);
    expect(parseReceipt(secret, value, now + 3599)).toEqual(receipt);
    expect(parseReceipt(secret, value, now + 3600)).toBeUndefined();
  });

  test('a reference typed in, or swapped into a signed value, shows nothing', () => {
    const value = formatReceipt(secret, receipt, now);
    expect(parseReceipt(secret, 'DSR-2026-7KQ4M2.1', now)).toBeUndefined();
    expect(parseReceipt(secret, value.replace('7KQ4M2', '8ZZZZZ'), now)).toBeUndefined();
    expect(parseReceipt(secret, signValue(secret, 'portal-consent', 'DSR-2026-7KQ4M2.1.1900000000'), now)).toBeUndefined();
    expect(parseReceipt(other, value, now)).toBeUndefined();
  });
});

describe('the portal_consent cookie on the portal', () => {
  const cookie = {
    consentId: 'abcdefghijklmnopqrstuv',
    revision: '2-0c32a859',
    choices: { preferences: false, analytics: true, marketing: false },
    expires: 1_900_000_000,
  };

  test('is the shared format followed by a signature, and round-trips', () => {
    const value = formatPortalConsentCookie(secret, cookie);
    expect(value.startsWith(`${formatConsentCookie(cookie)}.`)).toBe(true);
    expect(parsePortalConsentCookie(secret, value, 1_800_000_000)).toEqual(cookie);
    expect(parsePortalConsentCookie(secret, value, 1_900_000_001)).toBeUndefined();
  });

  test('one written by hand with someone else’s consent id, or by another site’s banner, is not believed', () => {
    expect(parsePortalConsentCookie(secret, formatConsentCookie(cookie), 0)).toBeUndefined();
    const value = formatPortalConsentCookie(secret, cookie);
    expect(parsePortalConsentCookie(secret, value.replace('abcdefghijklmnopqrstuv', 'vvvvvvvvvvvvvvvvvvvvvv'), 0)).toBeUndefined();
    expect(parsePortalConsentCookie(secret, value.replace('.010.', '.111.'), 0)).toBeUndefined();
  });
});
