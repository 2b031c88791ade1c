import type { RequestRow } from '../../db/rows.ts';
import type { Executor } from '../../db/store.ts';
import { daysLeftText, deadlineStateAt, firstDeadline } from './deadline.ts';
import { formatCalendarDate, type Translate } from './i18n.ts';
import { inboxAll } from './inbox.repo.ts';
import type { Locale } from './locale.ts';
import type { OutgoingMail } from './mailer.ts';
import { composeMail } from './request-email.ts';

/** The open requests a DPO must look at: overdue, and due within 7 days (today included), each by deadline. */
export async function requestsNeedingAttention(db: Executor, today: string): Promise<{ overdue: RequestRow[]; dueSoon: RequestRow[] }> {
  return { overdue: await inboxAll(db, { due: 'overdue' }, today), dueSoon: await inboxAll(db, { due: 'soon' }, today) };
}

export interface DigestInput {
  t: Translate;
  locale: Locale;
  to: string;
  today: string;
  now: number;
  timeZone: string;
  overdue: readonly RequestRow[];
  dueSoon: readonly RequestRow[];
  inboxUrl: string;
  organisation: string;
}

/** The reminder a DPO gets from `npm run dpo:reminders`: each late or nearly due request on one line, in their language. */
export function digestEmail(input: DigestInput): OutgoingMail {
  const { t, locale } = input;
  const line = (request: RequestRow, dueOn: string) =>
    t('dpo.email.digestLine', {
      reference: request.reference,
      type: t(`requests.types.${request.type}.name`),
      due: formatCalendarDate(dueOn, locale),
      left: daysLeftText(deadlineStateAt(dueOn, input.now, input.timeZone), t),
    });
  // An overdue request whose due date is still ahead was extended after its first deadline (before the portal refused
  // that): the first deadline is the one in force, and the one it is late against.
  const dueOnOf = (request: RequestRow, overdue: boolean) =>
    overdue && request.dueOn >= input.today ? firstDeadline(request, input.timeZone).dueOn : request.dueOn;
  const group = (title: string, rows: readonly RequestRow[], overdue: boolean) =>
    rows.length ? [{ text: [`${title}:`, ...rows.map((row) => `• ${line(row, dueOnOf(row, overdue))}`)].join('\n') }] : [];
  return composeMail({
    lang: locale,
    to: input.to,
    subject: t('dpo.email.digestSubject', { count: input.overdue.length + input.dueSoon.length }),
    blocks: [
      { text: t('dpo.email.digestIntro', { date: formatCalendarDate(input.today, locale) }) },
      ...group(t('dpo.email.digestOverdue'), input.overdue, true),
      ...group(t('dpo.email.digestDueSoon'), input.dueSoon, false),
      { text: t('dpo.email.digestLink') },
      { link: input.inboxUrl },
    ],
    signature: input.organisation,
  });
}
