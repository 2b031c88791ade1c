import type { RequestRow } from '../../db/rows.ts';
import { localDate } from '../lib/deadline.ts';
import { formatDateOn, formatDateUntil } from '../lib/i18n.ts';
import { isLocale, type Locale } from '../lib/locale.ts';
import type { OutgoingMail } from '../lib/mailer.ts';
import { hashToken, newToken } from '../lib/marketing.ts';
import { requestReceivedEmail } from '../lib/request-email.ts';
import { createRequest, recordEvent } from '../lib/requests.repo.ts';
import { consentIdProofAtSubmission, fieldProblems, requestStatusToken, requestSubmissionSchema, type FieldProblem } from '../lib/requests.ts';
import { getStore } from './db.ts';
import { getEnvironment } from './environment.ts';
import { getFloodLimits } from './flood-limits.ts';
import { translatorFor } from './i18n.ts';
import { getMailer } from './mail.ts';
import { getPortalSecret } from './secret.ts';
import { getOrganisation } from './organisation.ts';
import { log } from '../lib/log.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { getPortal } from './portal.ts';

const hour = 60 * 60 * 1000;
let limits: { perAddress: RateLimiter; perEmail: RateLimiter } | undefined;

function rateLimits() {
  const environment = getEnvironment();
  limits ??= {
    perAddress: getFloodLimits().perWindow('requests-address', environment.REQUESTS_PER_HOUR_PER_ADDRESS, hour),
    perEmail: getFloodLimits().perWindow('requests-email', environment.REQUESTS_PER_HOUR_PER_EMAIL, hour),
  };
  return limits;
}

export type Submission =
  | { ok: true; request: RequestRow; emailSent: boolean }
  | { ok: false; reason: 'invalid'; problems: Record<string, FieldProblem> }
  | { ok: false; reason: 'tooMany' };

/** The status page of a request, opened with its token (the token only ever travels in the requester's emails). */
export function statusUrl(origin: string, locale: string, reference: string): string {
  return `${origin}/${locale}/requests/${reference}?token=${requestStatusToken(getPortalSecret(), reference)}`;
}

/**
 * Takes a request from the form or the API: validates it (one schema for both), applies the flood limits (per visitor,
 * counted by `visitorKey`, and per email address), records it with its `received` event, and emails the verification
 * and status links in the request's language. The consent id it names is proven only when it is `browserConsentId`,
 * the one in the sending browser's own signed consent cookie. A failed email leaves the request recorded, with a `notification-failed` event for the DPO,
 * and the requester is told.
 */
export async function submitRequest(
  input: unknown,
  visitorKey: string,
  origin: string,
  browserConsentId: string | undefined,
  now = getPortal().clock(),
): Promise<Submission> {
  const parsed = requestSubmissionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'invalid', problems: fieldProblems(parsed.error) };
  const submission = parsed.data;
  const { perAddress, perEmail } = rateLimits();
  const emailKey = hashToken(submission.email.toLowerCase());
  if (!(await perAddress.allow(visitorKey)) || !(await perEmail.allow(emailKey))) return { ok: false, reason: 'tooMany' };

  const verifyToken = newToken();
  const store = getStore();
  const request = await createRequest(store, {
    submission,
    now,
    timeZone: getOrganisation().timeZone,
    deadlineRule: getOrganisation().deadline,
    statusTokenHashFor: (reference) => hashToken(requestStatusToken(getPortalSecret(), reference)),
    verifyTokenHash: verifyToken.hash,
    consentIdLinkedBy: consentIdProofAtSubmission(submission.consentId, browserConsentId),
  });
  try {
    await getMailer().send(receivedEmailFor(request, verifyToken.token, origin));
    return { ok: true, request, emailSent: true };
  } catch (error) {
    // The reference and the error's kind only: no address, no name.
    log.error('A request email could not be sent.', { reference: request.reference, email: 'received', error: errorKind(error) });
    await recordEvent(store, request.id, 'notification-failed', 'system', getPortal().clock(), { email: 'received', error: errorKind(error) });
    return { ok: true, request, emailSent: false };
  }
}

/**
 * The first message to a requester, with the verification link for `verifyToken` and the status link, in the request's
 * language: sent on submission, and again with a new token when the requester asks for one.
 */
export function receivedEmailFor(request: RequestRow, verifyToken: string, origin: string): OutgoingMail {
  const locale = isLocale(request.locale) ? request.locale : getOrganisation().defaultLocale;
  const t = translatorFor(locale);
  const status = statusUrl(origin, locale, request.reference);
  return requestReceivedEmail({
    t,
    lang: locale,
    to: request.email,
    name: request.name,
    reference: request.reference,
    typeName: t(`requests.types.${request.type}.name`),
    receivedOn: formatDateOn(localDate(request.receivedAt, getOrganisation().timeZone), locale),
    dueOn: formatDateUntil(request.dueOn, locale),
    verifyUrl: `${status}&verify=${verifyToken}`,
    statusUrl: status,
    organisation: getOrganisation().legalName,
    dpoName: getOrganisation().dpo.name,
    dpoEmail: getOrganisation().dpo.email,
  });
}

/** The kind of a delivery error (its code or name), never its message: messages can contain addresses. */
export function errorKind(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** The message for a field problem, in the visitor's language. */
export function problemMessage(problem: FieldProblem, locale: Locale): string {
  const t = translatorFor(locale);
  if (problem.problem === 'tooLong') return t('requests.errors.tooLong', { count: problem.max ?? 0 });
  return t(`requests.errors.${problem.problem}`);
}

export function tooManyMessage(locale: Locale): string {
  return translatorFor(locale)('requests.errors.tooMany', { dpoEmail: getOrganisation().dpo.email });
}
