import type { Anchor } from '../lib/chain-head.ts';
import { latestAnchor, publicChainKey } from '../lib/chain-files.ts';
import { portalOrigin } from './environment.ts';
import { getPortal } from './portal.ts';

/** Where the chain's public key is published: stable, so a head printed years ago can still be checked. */
export const chainKeyPath = '/api/consent/chain/key';

/**
 * The chain's public key, or undefined until the first `npm run consent:anchor` made the key, or when the portal may
 * not read it (the operator kept the key from the portal's account): then no head is shown rather than an error.
 */
export function chainPublicKey() {
  try {
    return publicChainKey(getPortal().secrets.chainKey);
  } catch {
    return undefined;
  }
}

/** The newest signed head whose signature holds, or null while there is none. */
export function latestChainHead(): Anchor | null {
  const key = chainPublicKey();
  return (key && latestAnchor(getPortal().secrets.anchorsPath, key.publicKey)) ?? null;
}

/** What a receipt or the DPO's download says about the chain: the latest signed head and where its key is. */
export function chainProof() {
  return { anchoredHead: latestChainHead(), publicKeyUrl: `${portalOrigin()}${chainKeyPath}` };
}
