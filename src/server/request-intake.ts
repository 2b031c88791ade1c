import type { RequestRow } from '../../db/rows.ts';
import { localDate } from '../lib/deadline.ts';
import { formatDateOn, formatDateUntil } from '../lib/i18n.ts';
import { log } from '../lib/log.ts';
import { hashToken } from '../lib/marketing.ts';
import { requestRecordedEmail } from '../lib/request-email.ts';
import { createRequest, recordEvent } from '../lib/requests.repo.ts';
import { fieldProblems, requestIntakeSchema, requestStatusToken, type FieldProblem } from '../lib/requests.ts';
import type { SignedIn } from './dpo-auth.ts';
import { getPortal } from './portal.ts';
import { errorKind, statusUrl } from './requests.ts';

export type IntakeResult = { ok: true; request: RequestRow; emailed: boolean | undefined } | { ok: false; problems: Record<string, FieldProblem> };

/**
 * Records a request that reached the organisation by post, phone or email, as the DPO (`recordedBy`) typed it: validated with the
 * public form's field rules, created through the same repository as an online request, its deadline counted from the
 * day it was received and its `received` event naming the channel and the DPO. The requester, when an address is
 * known, is mailed the status link in their language (`emailed`; undefined without an address). Their identity stays
 * unverified: the DPO records the check on the request's page.
 */
export async function recordReceivedRequest(
  input: unknown,
  recordedBy: Pick<SignedIn['user'], 'email'>,
  origin: string,
  now = getPortal().clock(),
): Promise<IntakeResult> {
  const { store, organisation, mailer, translators, secrets } = getPortal();
  const parsed = requestIntakeSchema(localDate(now, organisation.timeZone)).safeParse(input);
  if (!parsed.success) return { ok: false, problems: fieldProblems(parsed.error) };
  const { channel, receivedOn, ...submission } = parsed.data;
  const request = await createRequest(store, {
    submission,
    now,
    intake: { channel, receivedOn, actor: `dpo:${recordedBy.email}` },
    timeZone: organisation.timeZone,
    deadlineRule: organisation.deadline,
    statusTokenHashFor: (reference) => hashToken(requestStatusToken(secrets.portalSecret(), reference)),
    verifyTokenHash: null,
  });
  if (!request.email) return { ok: true, request, emailed: undefined };
  const locale = submission.locale;
  const t = translators.translatorFor(locale);
  try {
    await mailer.send(
      requestRecordedEmail({
        t,
        lang: locale,
        to: request.email,
        name: request.name,
        reference: request.reference,
        typeName: t(`requests.types.${request.type}.name`),
        channel,
        receivedOn: formatDateOn(receivedOn, locale),
        dueOn: formatDateUntil(request.dueOn, locale),
        statusUrl: statusUrl(origin, locale, request.reference),
        organisation: organisation.legalName,
        dpoName: organisation.dpo.name,
        dpoEmail: organisation.dpo.email,
      }),
    );
    return { ok: true, request, emailed: true };
  } catch (error) {
    log.error('A request email could not be sent.', { reference: request.reference, email: 'recorded', error: errorKind(error) });
    await recordEvent(store, request.id, 'notification-failed', 'system', getPortal().clock(), { email: 'recorded', error: errorKind(error) });
    return { ok: true, request, emailed: false };
  }
}
