import { describe, expect, test } from 'vitest';
import { decoyHash, hashPassword, verifyPassword } from '../../src/lib/password.ts';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, totpCode, totpUri } from '../../src/lib/totp.ts';

describe('DPO passwords', () => {
  test('are stored as salted scrypt hashes that verify only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('correct');
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('anything', 'garbage')).toBe(false);
    expect(await verifyPassword('anything', await decoyHash())).toBe(false);
  });
});

describe('TOTP second factor (RFC 6238)', () => {
  // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits there; the last 6 digits here.
  const rfcSecret = base32Encode(Buffer.from('12345678901234567890'));

  test('matches the RFC test vectors', () => {
    expect(totpCode(rfcSecret, Math.floor(59 / 30))).toBe('287082');
    expect(totpCode(rfcSecret, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totpCode(rfcSecret, Math.floor(1234567890 / 30))).toBe('005924');
    expect(totpCode(rfcSecret, Math.floor(20000000000 / 30))).toBe('353130');
  });

  test('accepts the current code and one step of drift, nothing else', () => {
    const secret = newTotpSecret();
    const now = Date.parse('2026-11-20T10:00:10Z');
    const step = Math.floor(now / 30_000);
    expect(matchTotp(secret, totpCode(secret, step), now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, step - 1), now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, step + 1), now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, step - 2), now)).toBeUndefined();
    expect(matchTotp(secret, '12345', now)).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });

  test('base32 round-trips and the otpauth URI names the issuer', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 17, 99]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(totpUri('JBSWY3DPEHPK3PXP', 'dpo@ostria.example', 'Ostria')).toBe(
      'otpauth://totp/Ostria%3Adpo%40ostria.example?secret=JBSWY3DPEHPK3PXP&issuer=Ostria&algorithm=SHA1&digits=6&period=30',
    );
  });
});
