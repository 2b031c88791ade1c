import type { APIRoute } from 'astro';
import { consentDecisionSchema, newConsentId } from '../../../lib/consent.ts';
import { originAllowed } from '../../../lib/site.ts';
import { consentTerms, recordDecision } from '../../../server/consent.ts';
import { jsonError, parseJson, readBodyText, zodIssues } from '../../../server/http.ts';
import { portalOrigin } from '../../../server/environment.ts';
import { findSite } from '../../../server/sites.ts';

const bodyLimit = 16 * 1024;

/**
 * Records one consent decision. The banner sends it with sendBeacon as text/plain JSON (a CORS "simple" request,
 * so no preflight); the Origin must be one the site allows. Answers 201 with the consent id.
 */
export const POST: APIRoute = async ({ request, url }) => {
  const origin = request.headers.get('origin');
  const body = await readBodyText(request, bodyLimit);
  if ('response' in body) return body.response;
  const json = parseJson(body.text);
  if ('response' in json) return json.response;
  const parsed = consentDecisionSchema.safeParse(json.value);
  if (!parsed.success) return jsonError(400, 'invalid_decision', 'The decision is not valid.', { issues: zodIssues(parsed.error) });
  const decision = parsed.data;

  const site = findSite(decision.site);
  if (!site) return jsonError(403, 'unknown_site', `No site "${decision.site}" may record consent here.`);
  if (!originAllowed(origin, site, portalOrigin(url))) {
    return jsonError(403, 'origin_not_allowed', `Origin ${origin ?? '(none)'} may not record consent for site "${site.id}".`);
  }
  const cors = { 'Access-Control-Allow-Origin': origin ?? '', Vary: 'Origin' };
  const terms = await consentTerms(site, decision.locale);
  if (decision.revision !== terms.revision) {
    return jsonError(409, 'revision_changed', 'The terms changed since the banner was loaded; reload its configuration and ask again.', { revision: terms.revision }, cors);
  }

  const record = await recordDecision({
    site,
    consentId: decision.consentId ?? newConsentId(),
    origin: origin ?? portalOrigin(url),
    action: decision.action,
    source: decision.source,
    locale: decision.locale,
    choices: decision.choices,
    gpcSignal: request.headers.get('sec-gpc') === '1' || decision.action === 'gpc',
    bannerVersion: decision.bannerVersion,
  });
  return Response.json(
    { consentId: record.consentId, recordedAt: new Date(record.recordedAt).toISOString(), expiresAt: new Date(record.expiresAt).toISOString() },
    { status: 201, headers: { ...cors, 'Cache-Control': 'no-store' } },
  );
};

export const ALL: APIRoute = () => jsonError(405, 'method_not_allowed', 'Use POST.', {}, { Allow: 'POST' });
