import type { APIRoute } from 'astro';
import { acceptCallback } from '../../../../lib/systems/callback.ts';
import { getFloodLimits } from '../../../../server/flood-limits.ts';
import { jsonError, readBodyText } from '../../../../server/http.ts';
import { getPortal } from '../../../../server/portal.ts';
import { visitorFloodKey } from '../../../../server/visitor-address.ts';

/** The largest callback any webhook system may send (each system's own `maxBytes` is at most this). */
const maxCallbackBytes = 50 * 1024 * 1024;
let callbacksPerAddress: ReturnType<ReturnType<typeof getFloodLimits>['perWindow']> | undefined;

/** A webhook system's later result for a task it answered with 202 (see the README's webhook protocol). */
export const POST: APIRoute = async (context) => {
  callbacksPerAddress ??= getFloodLimits().perWindow('task-callbacks', 120, 60_000);
  if (!(await callbacksPerAddress.allow(visitorFloodKey(context))))
    return jsonError(429, 'too_many_requests', 'Too many callbacks from this address; try again in a minute.', {}, { 'Retry-After': '60' });
  const { store, systems, clock } = getPortal();
  const taskId = context.params.task ?? '';
  // The task's own system is known only after the token is checked: the largest any webhook system may send is read.
  const limit = Math.min(maxCallbackBytes, Math.max(1024, ...systems.map((system) => (system.kind === 'webhook' ? system.maxBytes : 0))));
  const body = await readBodyText(context.request, limit);
  if ('response' in body) return body.response;
  const { headers } = context.request;
  const answer = await acceptCallback(store, systems, {
    taskId,
    authorization: headers.get('authorization'),
    timestamp: headers.get('x-portal-timestamp'),
    signature: headers.get('x-portal-signature'),
    body: body.text,
    now: clock(),
  });
  if (answer.status === 204) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  return jsonError(answer.status, answer.code, answer.message);
};
