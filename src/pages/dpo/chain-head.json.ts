import type { APIRoute } from 'astro';
import { chainProof, chainPublicKey } from '../../server/chain.ts';
import { signedInDpo, unauthorized } from '../../server/dpo-auth.ts';

/** The latest signed head of the consent chain with its public key, for the DPO to hand on or publish. */
export const GET: APIRoute = async ({ cookies }) => {
  if (!(await signedInDpo(cookies))) return unauthorized();
  const key = chainPublicKey();
  const body = { ...chainProof(), publicKey: key?.pem ?? null, keyId: key?.keyId ?? null };
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="consent-chain-head.json"',
      'Cache-Control': 'no-store',
    },
  });
};
