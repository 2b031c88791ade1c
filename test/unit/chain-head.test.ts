import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { anchorLine, anchorSchema, headSignatureHolds, parseChainKey, signHead } from '../../src/lib/chain-head.ts';
import { commitToConsentId, erasedConsentId, genesisHash, hashNewRecord, recordHashProblem } from '../../src/lib/consent.ts';
import { readEnvironment } from '../../src/lib/environment.ts';
import { consentDecision } from '../support/consent-decision.ts';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const head = { count: 3, lastId: 3, lastHash: 'a'.repeat(64), lastRecordedAt: 1_700_000_000_000, removed: 0, at: '2026-12-02T10:00:00.000Z' };

describe('signHead()', () => {
  test('signs a head that verifies with its public key, and with no other key, and not once a field changed', () => {
    const key = parseChainKey(pem());
    const other = parseChainKey(pem());
    if (!key || !other) throw new Error('expected keys');
    const anchor = signHead(head, key);
    expect(anchor.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(headSignatureHolds(anchor, key.publicKey)).toBe(true);
    expect(headSignatureHolds(anchor, other.publicKey)).toBe(false);
    expect(headSignatureHolds({ ...anchor, count: 2 }, key.publicKey)).toBe(false);
    const reread = anchorSchema.parse(JSON.parse(anchorLine(anchor)));
    expect(headSignatureHolds(reread, key.publicKey)).toBe(true);
  });

  test('a key that is not an Ed25519 private key is refused', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(parseChainKey(rsa)).toBeUndefined();
    expect(parseChainKey('not a key')).toBeUndefined();
    expect(() => readEnvironment({ CHAIN_SIGNING_KEY: rsa })).toThrow(/CHAIN_SIGNING_KEY: must be an Ed25519 private key/);
    expect(readEnvironment({ CHAIN_SIGNING_KEY: pem() }).CHAIN_SIGNING_KEY).toContain('BEGIN PRIVATE KEY');
  });
});

describe('record hash format 2', () => {
  const fields = consentDecision('aaaaaaaaaaaaaaaaaaaaaa', 1_700_000_000_000, true);
  const stored = () => ({ ...fields, ...hashNewRecord(genesisHash, fields), id: 1, previousHash: genesisHash, erasedAt: null });

  test('checks a live record’s fields and its consent id against the commitment', () => {
    const record = stored();
    expect(record.hashVersion).toBe(2);
    expect(record.consentCommitment).toBe(commitToConsentId(record.consentSalt ?? '', fields.consentId));
    expect(recordHashProblem(record)).toBeUndefined();
    expect(recordHashProblem({ ...record, analytics: false })).toBe('record hash does not match its fields');
    expect(recordHashProblem({ ...record, consentId: 'bbbbbbbbbbbbbbbbbbbbbb' })).toBe('consent id does not match its commitment');
  });

  test('keeps an erased record’s remaining fields checkable without the consent id or the salt', () => {
    const erased = { ...stored(), consentId: erasedConsentId, consentSalt: null, erasedAt: 1 };
    expect(recordHashProblem(erased)).toBeUndefined();
    expect(recordHashProblem({ ...erased, action: 'accept-all' as const, preferences: true, marketing: true })).toBe(
      'remaining fields of an erased record changed',
    );
    expect(recordHashProblem({ ...erased, origin: 'https://evil.example' })).toBe('remaining fields of an erased record changed');
  });
});
