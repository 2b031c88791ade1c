import type { APIRoute } from 'astro';
import { isLocale, type Locale } from '../../../lib/locale.ts';
import { maxRequestBodyBytes } from '../../../lib/requests.ts';
import { portalOrigin } from '../../../server/environment.ts';
import { jsonError, parseJson, readBodyText } from '../../../server/http.ts';
import { getOrganisation } from '../../../server/organisation.ts';
import { problemMessage, submitRequest, tooManyMessage } from '../../../server/requests.ts';
import { visitorFloodKey } from '../../../server/visitor-address.ts';
import { readConsentCookie } from '../../../server/visitor-consent.ts';

/**
 * Submits a data-subject request as JSON (the form's field names as keys). Answers 201 with the reference, the time
 * received and the deadline; the status and verification links go only to the requester's email. Errors are JSON,
 * with a message per field in the request's language (or the organisation's default language).
 */
export const POST: APIRoute = async (context) => {
  const { request } = context;
  const body = await readBodyText(request, maxRequestBodyBytes);
  if ('response' in body) return body.response;
  const json = parseJson(body.text);
  if ('response' in json) return json.response;
  if (json.value === null || typeof json.value !== 'object' || Array.isArray(json.value)) {
    return jsonError(400, 'invalid_request', "The body must be a JSON object with the request's fields (type, locale, name, email, …).");
  }
  const claimed = (json.value as { locale?: unknown }).locale;
  const locale: Locale = typeof claimed === 'string' && isLocale(claimed) ? claimed : getOrganisation().defaultLocale;

  // Called from a browser on the portal, its consent cookie goes along and proves the consent id it names.
  const result = await submitRequest(json.value, visitorFloodKey(context), portalOrigin(), readConsentCookie(context.cookies)?.consentId);
  if (!result.ok && result.reason === 'tooMany') {
    return jsonError(429, 'too_many_requests', tooManyMessage(locale), {}, { 'Retry-After': '3600' });
  }
  if (!result.ok) {
    const fields = Object.fromEntries(
      Object.entries(result.problems).map(([field, problem]) => [
        field,
        { problem: problem.problem, ...(problem.max ? { max: problem.max } : {}), message: problemMessage(problem, locale) },
      ]),
    );
    return jsonError(400, 'invalid_request', 'The request is not valid; see fields.', { fields });
  }
  return Response.json(
    {
      reference: result.request.reference,
      receivedAt: new Date(result.request.receivedAt).toISOString(),
      dueAt: new Date(result.request.dueAt).toISOString(),
    },
    { status: 201, headers: { 'Cache-Control': 'no-store' } },
  );
};
