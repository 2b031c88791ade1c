import type { APIRoute } from 'astro';
import { jsonError } from '../../../../server/http.ts';
import { chainPublicKey } from '../../../../server/chain.ts';

/** The public key (PEM, SPKI) that checks every signed head of the consent chain. Public and cacheable. */
export const GET: APIRoute = () => {
  const key = chainPublicKey();
  if (!key) return jsonError(404, 'not_anchored', 'The consent chain has not been anchored yet: no signing key exists.');
  return new Response(key.pem, {
    headers: { 'Content-Type': 'application/x-pem-file; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Key-Id': key.keyId },
  });
};
