import type { RequestRow } from '../../db/rows.ts';
import { assignedToOrUnassigned } from './dpo-digest.ts';
import { formatCalendarDate, type Translate } from './i18n.ts';
import type { Locale } from './locale.ts';
import type { OutgoingMail } from './mailer.ts';
import { composeMail } from './request-email.ts';

/**
 * Who hears that the requester answered a question: whoever the digest would name the request to (its assignee, or
 * every DPO who can sign in when nobody, able to sign in, has it).
 */
export function answerNoticeRecipients<T extends { id: number; disabledAt: number | null }>(accounts: readonly T[], assignedTo: number | null): T[] {
  const enabled = accounts.filter((account) => account.disabledAt === null);
  const enabledIds = new Set(enabled.map((account) => account.id));
  return enabled.filter((account) => assignedToOrUnassigned([{ assignedTo }], account.id, enabledIds).length > 0);
}

/**
 * The mail telling a DPO, in their language, that the requester answered: the reference, the type, the deadline as
 * the answer moved it, and the link to the request. Not the answer itself: that is read on the request page.
 */
export function answerNoticeEmail(input: {
  t: Translate;
  locale: Locale;
  to: string;
  request: Pick<RequestRow, 'reference' | 'type' | 'dueOn'>;
  origin: string;
  organisation: string;
}): OutgoingMail {
  const { t, request } = input;
  const facts = { reference: request.reference, type: t(`dpo.types.${request.type}`), due: formatCalendarDate(request.dueOn, input.locale) };
  return composeMail({
    lang: input.locale,
    to: input.to,
    subject: t('dpo.email.answerArrivedSubject', facts),
    blocks: [
      { text: t('dpo.email.answerArrivedBody', facts) },
      { text: t('dpo.email.answerArrivedLink') },
      { link: `${input.origin}/dpo/requests/${encodeURIComponent(request.reference)}` },
    ],
    signature: input.organisation,
  });
}
