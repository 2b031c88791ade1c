import type { APIRoute } from 'astro';
import { consentBodyLimit, consentBodyTooLarge } from '../../../lib/consent-api.ts';
import { answerBannerDecision } from '../../../server/consent.ts';
import { jsonError, readBodyText } from '../../../server/http.ts';
import { getPortal } from '../../../server/portal.ts';
import { visitorFloodKey } from '../../../server/visitor-address.ts';

/**
 * Records one consent decision. The banner sends it with fetch (keepalive) as text/plain JSON (a CORS "simple" request,
 * so no preflight); the Origin must be one the site allows. Answers 201 with the consent id. In production the
 * portal's server (scripts/start.ts) answers this POST itself with the same function, before Astro; this route
 * serves `astro dev` and every other method.
 */
export const POST: APIRoute = async (context) => {
  const { request } = context;
  const body = await readBodyText(request, consentBodyLimit);
  const answer =
    'response' in body
      ? consentBodyTooLarge()
      : await answerBannerDecision(getPortal(), {
          bodyText: body.text,
          origin: request.headers.get('origin'),
          gpcHeader: request.headers.get('sec-gpc') === '1',
          visitor: visitorFloodKey(context),
        });
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
};

export const ALL: APIRoute = () => jsonError(405, 'method_not_allowed', 'Use POST.', {}, { Allow: 'POST' });
