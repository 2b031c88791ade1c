import type { APIRoute } from 'astro';
import { endDpoSession } from '../../server/dpo-auth.ts';

/** Ends the session (POST only: a link cannot sign anyone out). */
export const POST: APIRoute = async ({ cookies, redirect }) => {
  await endDpoSession(cookies);
  return redirect('/dpo/login?signedOut=1', 303);
};
