// The two files of the anchoring, both outside the database: the signing key (secret, 0600 in a 0700 folder, never
// in the data folder the database and its backups live in) and the anchors file (public by design: 0644).
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { anchorLine, anchorSchema, headSignatureHolds, keyIdOf, parseChainKey, type Anchor, type ChainKey } from './chain-head.ts';
import { makePrivateFolder, privateFileMode } from './private-files.ts';

export interface ChainKeySource {
  /** CHAIN_SIGNING_KEY: the PEM itself, from the operator's secret store. */
  pem?: string | undefined;
  /** CHAIN_SIGNING_KEY_FILE: where the PEM is, or is generated. */
  file: string;
}

export class ChainFileError extends Error {}

/**
 * The signing key: CHAIN_SIGNING_KEY, else the key file. With `create`, a missing file is generated (Ed25519, 0600);
 * without, a missing key is refused. A text that is not an Ed25519 private key is always refused.
 */
export function loadChainKey(source: ChainKeySource, { create }: { create: boolean }): ChainKey {
  if (source.pem !== undefined) {
    const key = parseChainKey(source.pem);
    if (!key) throw new ChainFileError('CHAIN_SIGNING_KEY is not an Ed25519 private key in PEM (PKCS#8)');
    return key;
  }
  if (!existsSync(source.file)) {
    if (!create)
      throw new ChainFileError(`no signing key at ${source.file} (CHAIN_SIGNING_KEY_FILE): the anchors cannot be checked without the key that signed them`);
    makePrivateFolder(dirname(source.file));
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(source.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: privateFileMode });
  }
  const key = parseChainKey(readFileSync(source.file, 'utf8'));
  if (!key) throw new ChainFileError(`${source.file} (CHAIN_SIGNING_KEY_FILE) is not an Ed25519 private key in PEM (PKCS#8)`);
  return key;
}

/** Where the public half of the key file is kept for the portal: beside it, `.pub`, readable by anyone (0644). */
export const publicKeyFileOf = (keyFile: string) => `${keyFile}.pub`;

/** Writes the key's public half beside the key file when it is missing or another key's. */
export function publishPublicKey(source: ChainKeySource, key: ChainKey): void {
  if (source.pem !== undefined) return;
  const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file = publicKeyFileOf(source.file);
  if (existsSync(file) && readFileSync(file, 'utf8') === pem) return;
  writeFileSync(file, pem, { mode: 0o644 });
}

/**
 * The signing key's public half in PEM (SPKI), or undefined while there is none; never generates one. From the
 * `.pub` file beside the key file when there is one, so the portal itself needs no read access to the private key
 * (the operator may keep that to the account that runs `npm run consent:anchor`); else from the private key.
 */
export function publicChainKey(source: ChainKeySource): { pem: string; keyId: string; publicKey: KeyObject } | undefined {
  const publicFile = publicKeyFileOf(source.file);
  if (source.pem === undefined && existsSync(publicFile)) {
    try {
      const publicKey = createPublicKey({ key: readFileSync(publicFile, 'utf8'), format: 'pem' });
      if (publicKey.asymmetricKeyType !== 'ed25519') throw new ChainFileError(`${publicFile} is not an Ed25519 public key`);
      return { pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey), publicKey };
    } catch (error) {
      if (error instanceof ChainFileError) throw error;
      throw new ChainFileError(`${publicFile} is not an Ed25519 public key in PEM`);
    }
  }
  if (source.pem === undefined && !existsSync(source.file)) return undefined;
  const key = loadChainKey(source, { create: false });
  return { pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: key.keyId, publicKey: key.publicKey };
}

export type AnchorLine = { line: number; anchor: Anchor } | { line: number; problem: string };

/** Every line of the anchors file, parsed; an empty list when the file does not exist. */
export function readAnchors(path: string): AnchorLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => {
      try {
        const parsed = anchorSchema.safeParse(JSON.parse(text));
        return parsed.success ? { line, anchor: parsed.data } : { line, problem: 'is not a signed chain head' };
      } catch {
        return { line, problem: 'is not JSON' };
      }
    });
}

/**
 * The newest anchor of the file whose signature holds with `publicKey` (what a receipt or the DPO may show), read
 * from the file's end so a file of years of hourly heads is not read whole.
 */
export function latestAnchor(path: string, publicKey: KeyObject): Anchor | undefined {
  if (!existsSync(path)) return undefined;
  const descriptor = openSync(path, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(descriptor, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').reverse();
    for (const text of lines) {
      try {
        const parsed = anchorSchema.safeParse(JSON.parse(text));
        if (parsed.success && headSignatureHolds(parsed.data, publicKey)) return parsed.data;
      } catch {
        // A partial first line of the tail, or a damaged line: the one before it may still be good.
      }
    }
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}

/** Appends one anchor; the file is created 0644 (public by design) in a folder that must exist or is made 0700. */
export function appendAnchor(path: string, anchor: Anchor): void {
  makePrivateFolder(dirname(path));
  appendFileSync(path, anchorLine(anchor), { mode: 0o644 });
}
