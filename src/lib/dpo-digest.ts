import type { RequestRow } from '../../db/rows.ts';
import type { Executor } from '../../db/store.ts';
import { daysLeftText, deadlineStateAt, firstDeadline } from './deadline.ts';
import { formatCalendarDate, type Translate } from './i18n.ts';
import { inboxAll } from './inbox.repo.ts';
import type { Locale } from './locale.ts';
import type { OutgoingMail } from './mailer.ts';
import type { Processor } from './organisation.ts';
import { composeMail, type MailBlock } from './request-email.ts';
import type { System } from './systems/register.ts';
import { type DigestTask, dpoTaskSection } from './systems/task-digest.ts';

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
  /** The open tasks in the systems (`openTasksForDigest`), with the register and processors that name them. */
  tasks: readonly DigestTask[];
  systems: readonly System[];
  processors: readonly Processor[];
  /** The portal's canonical origin: each request links to its page, the tasks to the page's tasks, the end to the inbox. */
  origin: string;
  organisation: string;
}

/** Whether a DPO digest has anything to say: a request needs attention or a task is open. */
export function digestHasNews(input: Pick<DigestInput, 'overdue' | 'dueSoon' | 'tasks'>): boolean {
  return input.overdue.length + input.dueSoon.length + input.tasks.length > 0;
}

/**
 * The reminder a DPO gets from `npm run dpo:reminders`, in their language: each late or nearly due request on one line
 * with its link, then the open tasks in the systems with theirs, then the inbox.
 */
export function digestEmail(input: DigestInput): OutgoingMail {
  const { t, locale } = input;
  const line = (request: RequestRow, dueOn: string) =>
    t('dpo.email.digestLine', {
      reference: request.reference,
      type: t(`dpo.types.${request.type}`),
      due: formatCalendarDate(dueOn, locale),
      left: daysLeftText(deadlineStateAt(dueOn, input.now, input.timeZone), t),
    });
  // An overdue request whose due date is still ahead was extended after its first deadline (before the portal refused
  // that): the first deadline is the one in force, and the one it is late against.
  const dueOnOf = (request: RequestRow, overdue: boolean) =>
    overdue && request.dueOn >= input.today ? firstDeadline(request, input.timeZone).dueOn : request.dueOn;
  const group = (title: string, rows: readonly RequestRow[], overdue: boolean): MailBlock[] =>
    rows.length
      ? [
          { text: `${title}:` },
          ...rows.flatMap((row) => [
            { text: `• ${line(row, dueOnOf(row, overdue))}` },
            { link: `${input.origin}/dpo/requests/${encodeURIComponent(row.reference)}` },
          ]),
        ]
      : [];
  const requestCount = input.overdue.length + input.dueSoon.length;
  const taskCount = input.tasks.length;
  const date = formatCalendarDate(input.today, locale);
  const subject =
    taskCount === 0
      ? t('dpo.email.digestSubject', { count: requestCount })
      : requestCount === 0
        ? t('taskDigest.dpo.subjectTasks', { count: taskCount })
        : t('taskDigest.dpo.subjectBoth', {
            requests: t('taskDigest.dpo.requests', { count: requestCount }),
            tasks: t('taskDigest.dpo.tasks', { count: taskCount }),
          });
  return composeMail({
    lang: locale,
    to: input.to,
    subject,
    blocks: [
      { text: requestCount ? t('dpo.email.digestIntro', { date }) : t('taskDigest.dpo.introTasksOnly', { date }) },
      ...group(t('dpo.email.digestOverdue'), input.overdue, true),
      ...group(t('dpo.email.digestDueSoon'), input.dueSoon, false),
      ...dpoTaskSection({ t, locale, today: input.today, origin: input.origin, tasks: input.tasks, systems: input.systems, processors: input.processors }),
      { text: t('dpo.email.digestLink') },
      { link: `${input.origin}/dpo?status=open` },
    ],
    signature: input.organisation,
  });
}

/**
 * What one DPO's digest names: the requests (and their tasks) assigned to them, and those nobody has, or whose
 * assignee can no longer sign in (`enabled`: the accounts that get a digest), so no request falls between two desks.
 */
export function assignedToOrUnassigned<T extends { assignedTo: number | null }>(items: readonly T[], dpoId: number, enabled: ReadonlySet<number>): T[] {
  return items.filter((item) => item.assignedTo === null || item.assignedTo === dpoId || !enabled.has(item.assignedTo));
}
