import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { readEnvironment } from '../../src/lib/environment.ts';

describe('readEnvironment()', () => {
  test('has defaults for a fresh machine', () => {
    expect(readEnvironment({})).toEqual({
      PORT: 4321,
      HOST: 'localhost',
      DATABASE_PATH: './data/portal.db',
      OUTBOX_DIR: './data/outbox',
      TASK_RETRY_DELAYS_MS: [60_000, 300_000, 1_800_000],
      REQUESTS_PER_HOUR_PER_ADDRESS: 10,
      REQUESTS_PER_HOUR_PER_EMAIL: 5,
      VERIFICATION_LINKS_PER_HOUR_PER_ADDRESS: 10,
      VERIFICATION_LINKS_PER_HOUR_PER_REQUEST: 3,
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

describe('with DATABASE_URL (several instances on PostgreSQL)', () => {
  const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secret = 'a-secret-of-at-least-thirty-two-characters';

  test('start-up refuses without the shared secret and signing key, naming both', () => {
    expect(() => readEnvironment({ DATABASE_URL: 'postgres://portal@db.internal:5432/portal' })).toThrow(
      /PORTAL_SECRET: is required with DATABASE_URL[\s\S]*CHAIN_SIGNING_KEY: is required/,
    );
  });

  test('runs with both given, and refuses a URL that is not PostgreSQL', () => {
    const environment = readEnvironment({ DATABASE_URL: 'postgres://portal@db.internal:5432/portal', PORTAL_SECRET: secret, CHAIN_SIGNING_KEY: key });
    expect(environment.DATABASE_URL).toBe('postgres://portal@db.internal:5432/portal');
    expect(() => readEnvironment({ DATABASE_URL: 'mysql://db.internal/portal', PORTAL_SECRET: secret, CHAIN_SIGNING_KEY: key })).toThrow(
      /DATABASE_URL: must be a PostgreSQL URL/,
    );
  });
});
