import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * A signed head of the consent chain: how many records it held (retention's removed ones included), its last record
 * and that record's hash and time, when it was taken and with which key. Its JSON, in exactly this key order and
 * without `signature`, is the message signed with Ed25519.
 */
export const chainHeadSchema = z.strictObject({
  format: z.literal('consent-chain-head/1'),
  count: z.number().int().min(0),
  lastId: z.number().int().min(0),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/),
  lastRecordedAt: z.number().int().nullable(),
  removed: z.number().int().min(0),
  at: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
});
export type ChainHead = z.infer<typeof chainHeadSchema>;

export const anchorSchema = chainHeadSchema.extend({ signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/) });
export type Anchor = z.infer<typeof anchorSchema>;

/** The exact bytes signed: the head's JSON with its keys in the schema's order. */
export function signedMessage(head: ChainHead): Buffer {
  const { format, count, lastId, lastHash, lastRecordedAt, removed, at, keyId } = head;
  return Buffer.from(JSON.stringify({ format, count, lastId, lastHash, lastRecordedAt, removed, at, keyId }), 'utf8');
}

export interface ChainKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The first 16 hex digits of SHA-256 over the public key's DER (SPKI): names the key in every head. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Reads an Ed25519 private key in PEM (PKCS#8); undefined when the text is anything else. */
export function parseChainKey(pem: string): ChainKey | undefined {
  try {
    const privateKey = createPrivateKey({ key: pem, format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') return undefined;
    const publicKey = createPublicKey(privateKey);
    return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
  } catch {
    return undefined;
  }
}

export function signHead(head: Omit<ChainHead, 'keyId' | 'format'>, key: ChainKey): Anchor {
  const full: ChainHead = { format: 'consent-chain-head/1', ...head, keyId: key.keyId };
  return { ...full, signature: sign(null, signedMessage(full), key.privateKey).toString('base64') };
}

/** True when the anchor's signature is the public key's over its head. */
export function headSignatureHolds(anchor: Anchor, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedMessage(anchor), publicKey, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The anchors file as it should be written: one anchor per line, in this key order. */
export function anchorLine(anchor: Anchor): string {
  return `${JSON.stringify({ ...JSON.parse(signedMessage(anchor).toString('utf8')), signature: anchor.signature })}\n`;
}
