import { describe, expect, test } from 'vitest';
import { readEnvironment } from '../../src/lib/environment.ts';

describe('readEnvironment()', () => {
  test('has defaults for a fresh machine', () => {
    expect(readEnvironment({})).toEqual({
      PORT: 4321,
      HOST: 'localhost',
      DATABASE_PATH: './data/portal.db',
      OUTBOX_DIR: './data/outbox',
      REQUESTS_PER_HOUR_PER_ADDRESS: 10,
      REQUESTS_PER_HOUR_PER_EMAIL: 5,
      CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: 60,
      CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: 600,
      GPC_RECORDS_PER_DAY_PER_ADDRESS: 1,
      TRUSTED_PROXIES: [],
      ALLOWED_HOSTS: [],
      CHAIN_SIGNING_KEY_FILE: './keys/consent-chain-signing-key.pem',
    });
    expect(readEnvironment({ PUBLIC_URL: 'https://privacy.example.org' }).PUBLIC_URL).toBe('https://privacy.example.org');
  });

  test('flood limits are whole numbers of at least one', () => {
    expect(readEnvironment({ CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '5', CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: '50' })).toMatchObject({
      CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: 5,
      CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: 50,
    });
    expect(() =>
      readEnvironment({
        CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: '0',
        CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: 'many',
        GPC_RECORDS_PER_DAY_PER_ADDRESS: '1.5',
      }),
    ).toThrow(/CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS[\s\S]*CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS[\s\S]*GPC_RECORDS_PER_DAY_PER_ADDRESS/);
  });

  test('names every bad variable', () => {
    expect(() => readEnvironment({ PORT: 'eighty', DATABASE_PATH: '' })).toThrow(/PORT[\s\S]*DATABASE_PATH/);
    expect(() => readEnvironment({ SMTP_URL: 'http://mail.example', PORTAL_SECRET: 'short' })).toThrow(/SMTP_URL[\s\S]*PORTAL_SECRET/);
  });
});

describe('security headers', () => {
  test('HSTS only when the portal is served over HTTPS', async () => {
    const { securityHeaders } = await import('../../src/lib/security-headers.ts');
    expect(securityHeaders(true)['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
    expect(securityHeaders(false)['Strict-Transport-Security']).toBeUndefined();
  });
});
