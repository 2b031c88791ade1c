import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts a small secret that must be read back (a TOTP seed) with AES-256-GCM under a key derived from the
 * portal secret: `v1.iv.ciphertext.tag`, base64url. A copy of the database alone does not reveal it.
 */
function keyFor(portalSecret: string, purpose: string): Buffer {
  return createHash('sha256').update(`${purpose}\0${portalSecret}`).digest();
}

export function seal(plain: string, portalSecret: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(portalSecret, purpose), iv);
  const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), encrypted.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The plain text, or undefined when the box was tampered with or sealed under another secret. */
export function open(sealed: string, portalSecret: string, purpose: string): string | undefined {
  const [version, iv, encrypted, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || encrypted === undefined || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(portalSecret, purpose), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
