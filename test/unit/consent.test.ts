import { describe, expect, test } from 'vitest';
import {
  consentDecisionSchema,
  consentExpiry,
  findChainBreak,
  genesisHash,
  hashConsentRecord,
  newConsentId,
  type ConsentRecordFields,
} from '../../src/lib/consent.ts';
import { formatConsentCookie, parseConsentCookie, revisionPolicyVersion } from '../../src/lib/consent-cookie.ts';
import { originAllowed, siteRevision, siteSchema } from '../../src/lib/site.ts';

const decision = {
  site: 'demo',
  consentId: 'abcdefghijklmnopqrstuv',
  action: 'custom',
  source: 'banner',
  locale: 'pl',
  revision: '2-0c32a859',
  bannerVersion: '1',
  choices: { preferences: false, analytics: true, marketing: false },
};

describe('consentDecisionSchema', () => {
  test('accepts a custom choice and defaults the source to api', () => {
    expect(consentDecisionSchema.parse(decision).choices.analytics).toBe(true);
    const { source: _source, ...withoutSource } = decision;
    expect(consentDecisionSchema.parse(withoutSource).source).toBe('api');
  });

  test.each([
    ['an unknown category', { ...decision, choices: { ...decision.choices, spying: true } }],
    ['a category as text', { ...decision, choices: { ...decision.choices, analytics: 'yes' } }],
    ['accept-all that refuses something', { ...decision, action: 'accept-all' }],
    ['reject-all that grants something', { ...decision, action: 'reject-all' }],
    ['gpc that grants something', { ...decision, action: 'gpc' }],
    ['an unknown action', { ...decision, action: 'maybe' }],
    ['a short consent id', { ...decision, consentId: 'abc' }],
    ['a locale we do not serve', { ...decision, locale: 'en' }],
    ['a malformed revision', { ...decision, revision: '2' }],
    ['an unknown field', { ...decision, ip: '1.2.3.4' }],
    ['a site id with markup', { ...decision, site: '<script>' }],
  ])('refuses %s', (_label, body) => {
    expect(consentDecisionSchema.safeParse(body).success).toBe(false);
  });
});

const fields: ConsentRecordFields = {
  consentId: 'abcdefghijklmnopqrstuv',
  siteId: 'demo',
  origin: 'http://localhost:4322',
  recordedAt: 1_790_000_000_000,
  action: 'reject-all',
  source: 'banner',
  preferences: false,
  analytics: false,
  marketing: false,
  locale: 'el',
  policyDocument: 'privacy-notice',
  policyVersion: 2,
  textHash: 'a'.repeat(64),
  bannerVersion: '1',
  revision: '2-0c32a859',
  expiresAt: 1_805_724_800_000,
  gpcSignal: false,
};

function chain(records: ConsentRecordFields[]) {
  let previousHash = genesisHash;
  return records.map((record, index) => {
    const recordHash = hashConsentRecord(previousHash, record);
    const linked = { ...record, id: index + 1, previousHash, recordHash };
    previousHash = recordHash;
    return linked;
  });
}

describe('the consent record chain', () => {
  test('every field changes the hash', () => {
    const base = hashConsentRecord(genesisHash, fields);
    expect(hashConsentRecord(genesisHash, { ...fields, analytics: true })).not.toBe(base);
    expect(hashConsentRecord(genesisHash, { ...fields, recordedAt: fields.recordedAt + 1 })).not.toBe(base);
    expect(hashConsentRecord(genesisHash, { ...fields, textHash: 'b'.repeat(64) })).not.toBe(base);
    expect(hashConsentRecord('f'.repeat(64), fields)).not.toBe(base);
  });

  test('an intact chain verifies', async () => {
    const records = chain([fields, { ...fields, action: 'accept-all', analytics: true }, fields]);
    expect(await findChainBreak(records)).toEqual({ checked: 3, erased: 0 });
  });

  test('names the first record whose fields were altered', async () => {
    const records = chain([fields, fields, fields, fields]);
    records[1] = { ...records[1]!, analytics: true };
    records[3] = { ...records[3]!, marketing: true };
    expect((await findChainBreak(records)).firstBreak).toEqual({ id: 2, consentId: fields.consentId, reason: 'record hash does not match its fields' });
  });

  test('names a record removed from the middle by the link of its successor', async () => {
    const records = chain([fields, fields, fields]);
    records.splice(1, 1);
    expect((await findChainBreak(records)).firstBreak).toMatchObject({ id: 3, reason: 'previous hash does not match' });
  });
});

describe('expiry and consent ids', () => {
  test('a choice lasts the site lifetime, 182 days by default', () => {
    expect(consentExpiry(Date.UTC(2026, 10, 20), 182)).toBe(Date.UTC(2027, 4, 21));
    expect(siteSchema.parse({ id: 'x', name: 'x', allowedOrigins: ['self'], defaultLocale: 'el', policy: 'privacy-notice', categories: {} }).lifetimeDays).toBe(
      182,
    );
  });

  test('consent ids are 22 random base64url characters', () => {
    const ids = new Set(Array.from({ length: 200 }, newConsentId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('the portal_consent cookie', () => {
  const cookie = {
    consentId: 'abcdefghijklmnopqrstuv',
    revision: '2-0c32a859',
    choices: { preferences: false, analytics: true, marketing: false },
    expires: 1_900_000_000,
  };

  test('round-trips', () => {
    expect(formatConsentCookie(cookie)).toBe('abcdefghijklmnopqrstuv.2-0c32a859.010.1900000000');
    expect(parseConsentCookie(formatConsentCookie(cookie), 1_800_000_000)).toEqual(cookie);
  });

  test('an expired, malformed or missing cookie counts as no choice', () => {
    expect(parseConsentCookie(formatConsentCookie(cookie), 1_900_000_001)).toBeUndefined();
    expect(parseConsentCookie('abcdefghijklmnopqrstuv.2-0c32a859.01.1900000000', 0)).toBeUndefined();
    expect(parseConsentCookie('<script>', 0)).toBeUndefined();
    expect(parseConsentCookie(undefined, 0)).toBeUndefined();
  });

  test('the revision names the policy version it was made under', () => {
    expect(revisionPolicyVersion('2-0c32a859')).toBe(2);
  });
});

describe('sites', () => {
  const site = siteSchema.parse({
    id: 'demo',
    name: 'Demo',
    allowedOrigins: ['http://localhost:*', 'https://shop.example', 'self'],
    defaultLocale: 'pl',
    policy: 'privacy-notice',
    categories: { analytics: { cookies: ['_osa_*'] } },
  });

  test.each([
    ['http://localhost:4322', true],
    ['http://localhost', true],
    ['https://localhost:4322', false],
    ['https://shop.example', true],
    ['https://shop.example:8443', false],
    ['https://evil.shop.example', false],
    ['https://portal.example', true],
    ['null', false],
    [null, false],
    ['http://localhost:4322/path', false],
  ])('origin %j allowed: %s', (origin, expected) => {
    expect(originAllowed(origin, site, ['https://portal.example'])).toBe(expected);
  });

  test('the revision moves with the policy version and with the categories offered', () => {
    const revision = siteRevision(site, 2, '1');
    expect(revision).toMatch(/^2-[0-9a-f]{8}$/);
    expect(siteRevision(site, 3, '1')).not.toBe(revision);
    expect(siteRevision({ ...site, categories: { ...site.categories, marketing: { cookies: [] } } }, 2, '1')).not.toBe(revision);
    expect(siteRevision({ ...site, categories: { analytics: { cookies: ['other'] } } }, 2, '1')).toBe(revision);
  });
});
