import { and, asc, eq, inArray, isNotNull, ne, notInArray, or } from 'drizzle-orm';
import type { RequestTaskRow } from '../../../db/rows.ts';
import type { Executor } from '../../../db/store.ts';
import { requests, requestTasks } from '../../../db/tables.ts';
import { daysLeftText, deadlineState } from '../deadline.ts';
import { emailLookupKey } from '../email-address.ts';
import { formatCalendarDate, type Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import type { OutgoingMail } from '../mailer.ts';
import { hashToken } from '../marketing.ts';
import type { Processor } from '../organisation.ts';
import { composeMail, type MailBlock } from '../request-email.ts';
import type { RequestType } from '../request-types.ts';
import { ownerTaskPath, ownerTaskToken } from './owner-token.ts';
import type { System } from './register.ts';
import { openTaskStatuses, type TaskErrorCode, taskErrorCodes } from './tasks.ts';

// The open tasks of the daily digests (`npm run dpo:reminders`): the DPO's section "Open tasks in the systems", and one
// mail per system owner with what they have to do, linked to their task page when a manual task waits for them.

/** An open task as the digests show it, with its request's reference, type and due date. */
export interface DigestTask {
  task: RequestTaskRow;
  reference: string;
  requestType: RequestType;
  requestDueOn: string;
  /** The DPO account the request is assigned to (its digest gets the task); null: every DPO's. */
  assignedTo: number | null;
  /** The task's own due date has passed (`dueOn` before today). */
  overdue: boolean;
}

/**
 * Every open task (pending, running, failed) that someone has to look at now, by its due date (then the order it was
 * made). Not the erasure's tasks still waiting for the DPO to execute the erasure, which nobody can act on yet; nor
 * those a closed request no longer needs: any task of a rejected request, the collecting of an answered one (its
 * package is made). An answered request's erasure, restriction or forwarded text still has to be carried out.
 */
export async function openTasksForDigest(db: Executor, today: string): Promise<DigestTask[]> {
  // Waiting for the erasure: pending, no attempt scheduled or made, an erasure or an Art. 19 notification.
  const notWaitingForErasure = or(
    ne(requestTasks.status, 'pending'),
    isNotNull(requestTasks.nextAttemptAt),
    ne(requestTasks.attempts, 0),
    notInArray(requestTasks.action, ['erase', 'notify']),
  );
  const rows = await db
    .select({ task: requestTasks, reference: requests.reference, requestType: requests.type, requestDueOn: requests.dueOn, assignedTo: requests.assignedTo })
    .from(requestTasks)
    .innerJoin(requests, eq(requestTasks.requestId, requests.id))
    .where(
      and(
        inArray(requestTasks.status, [...openTaskStatuses]),
        notWaitingForErasure,
        ne(requests.status, 'rejected'),
        or(ne(requests.status, 'completed'), ne(requestTasks.action, 'collect')),
      ),
    )
    .orderBy(asc(requestTasks.dueOn), asc(requestTasks.id));
  return rows.map((row) => ({ ...row, overdue: row.task.dueOn < today }));
}

/** The code of a task's last failure, when its stored error names one the portal knows. */
export function errorCodeOf(task: Pick<RequestTaskRow, 'error'>): TaskErrorCode | undefined {
  if (!task.error) return undefined;
  try {
    const code = (JSON.parse(task.error) as { code?: unknown }).code;
    return (taskErrorCodes as readonly unknown[]).includes(code) ? (code as TaskErrorCode) : undefined;
  } catch {
    return undefined;
  }
}

/** The name a reader sees for a task's system: the register's, in their language, or the processor's; else its id. */
export function systemNameOf(system: string, systems: readonly System[], processors: readonly Processor[], locale: Locale): string {
  const registered = systems.find((candidate) => candidate.id === system);
  if (registered) return registered.name[locale];
  return processors.find((processor) => `recipient:${processor.id}` === system)?.name ?? system;
}

const dueText = (entry: DigestTask, today: string, t: Translate) => daysLeftText(deadlineState(entry.task.dueOn, today), t);

export interface DpoTaskSectionInput {
  t: Translate;
  locale: Locale;
  today: string;
  /** The portal's canonical origin: each line links to the request page's tasks. */
  origin: string;
  tasks: readonly DigestTask[];
  systems: readonly System[];
  processors: readonly Processor[];
}

/** The DPO digest's section "Open tasks in the systems": each task on one line, followed by its link. */
export function dpoTaskSection(input: DpoTaskSectionInput): MailBlock[] {
  const { t, locale } = input;
  if (!input.tasks.length) return [];
  return [
    { text: `${t('taskDigest.dpo.title')}:` },
    ...input.tasks.flatMap((entry): MailBlock[] => {
      // A pending task with an error is being retried: the DPO reads why, as for one that failed.
      const code = entry.task.status === 'running' ? undefined : errorCodeOf(entry.task);
      const status = t(`dpo.tasks.statuses.${entry.task.status}`);
      return [
        {
          text: `• ${t('taskDigest.dpo.line', {
            reference: entry.reference,
            system: systemNameOf(entry.task.system, input.systems, input.processors, locale),
            action: t(`dpo.tasks.actions.${entry.task.action}`),
            status: code ? t('taskDigest.dpo.statusWithError', { status, error: t(`dpo.tasks.errors.${code}`) }) : status,
            due: formatCalendarDate(entry.task.dueOn, locale),
            left: dueText(entry, input.today, t),
          })}`,
        },
        { link: `${input.origin}/dpo/requests/${encodeURIComponent(entry.reference)}#tasks` },
      ];
    }),
  ];
}

/** The owner of one or more systems, as the register names them (one digest per address). */
export interface SystemOwner {
  email: string;
  locale: Locale;
  name: string | undefined;
}

/** The open tasks of each owner's systems, one entry per owner address (compared case-folded), in register order. */
export function tasksByOwner(tasks: readonly DigestTask[], systems: readonly System[]): { owner: SystemOwner; tasks: DigestTask[] }[] {
  const byAddress = new Map<string, { owner: SystemOwner; tasks: DigestTask[] }>();
  for (const system of systems) {
    const key = emailLookupKey(system.owner.email);
    const entry = byAddress.get(key) ?? { owner: { email: system.owner.email, locale: system.owner.locale, name: system.owner.name }, tasks: [] };
    entry.owner.name ??= system.owner.name;
    byAddress.set(key, entry);
  }
  for (const entry of tasks) {
    const system = systems.find((candidate) => candidate.id === entry.task.system);
    if (system && concernsOwner(entry.task)) byAddress.get(emailLookupKey(system.owner.email))?.tasks.push(entry);
  }
  return [...byAddress.values()].filter((entry) => entry.tasks.length > 0);
}

/**
 * Whether the owner has something to do about a task: a manual one is theirs to carry out; a database's or a
 * webhook's runs by itself, and is theirs only once the portal could not reach it (failed, or failing and retrying).
 */
function concernsOwner(task: RequestTaskRow): boolean {
  return task.channel === 'manual' || errorCodeOf(task) !== undefined;
}

/**
 * The owner's private link to a manual task waiting for them, re-derived from the portal secret: only when it is the
 * one the task holds (its hash is the row's) and has not expired. A task whose link was replaced or spent gets none.
 */
export function ownerTaskLink(
  task: Pick<RequestTaskRow, 'id' | 'channel' | 'tokenHash' | 'tokenExpiresAt'>,
  input: { portalSecret: string; origin: string; locale: Locale; now: number },
): string | undefined {
  if (task.channel !== 'manual' || !task.tokenHash || task.tokenExpiresAt === null || task.tokenExpiresAt <= input.now) return undefined;
  const token = ownerTaskToken(input.portalSecret, task.id, task.tokenExpiresAt);
  if (hashToken(token) !== task.tokenHash) return undefined;
  return `${input.origin}${ownerTaskPath(input.locale, task.id, token)}`;
}

export interface OwnerDigestInput {
  t: Translate;
  owner: SystemOwner;
  tasks: readonly DigestTask[];
  systems: readonly System[];
  today: string;
  now: number;
  origin: string;
  portalSecret: string;
  organisation: string;
  dpoEmail: string;
}

/** The daily mail to a system owner, in their language: each open task of their systems and what to do about it. */
export function ownerDigestEmail(input: OwnerDigestInput): OutgoingMail {
  const { t, owner } = input;
  const locale = owner.locale;
  const values = { organisation: input.organisation, dpoEmail: input.dpoEmail, date: formatCalendarDate(input.today, locale) };
  const blocks: MailBlock[] = [
    { text: owner.name ? t('taskDigest.owner.greeting', { name: owner.name }) : t('taskDigest.owner.greetingNoName') },
    { text: t('taskDigest.owner.intro', { ...values, count: input.tasks.length }) },
    ...input.tasks.flatMap((entry): MailBlock[] => {
      const system = systemNameOf(entry.task.system, input.systems, [], locale);
      const line = t('taskDigest.owner.line', {
        reference: entry.reference,
        type: t(`taskDigest.owner.types.${entry.requestType}`),
        system,
        due: formatCalendarDate(entry.task.dueOn, locale),
        left: dueText(entry, input.today, t),
      });
      const code = errorCodeOf(entry.task);
      if (entry.task.channel !== 'manual') {
        const reason = t(`dpo.tasks.errors.${code ?? 'gaveUp'}`);
        const todo =
          entry.task.status === 'failed'
            ? t('taskDigest.owner.unreachable', { ...values, system, reason })
            : t('taskDigest.owner.unreachableRetrying', { ...values, system, reason });
        return [{ text: `• ${line}\n${todo}` }];
      }
      const todo = t(`taskDigest.owner.todo.${entry.task.action}`, { system });
      const link = ownerTaskLink(entry.task, { portalSecret: input.portalSecret, origin: input.origin, locale, now: input.now });
      return link
        ? [{ text: `• ${line}\n${todo}\n${t('taskDigest.owner.openLink')}` }, { link }]
        : [{ text: `• ${line}\n${todo}\n${t('taskDigest.owner.askDpo', values)}` }];
    }),
    { text: t('taskDigest.owner.questions', values) },
  ];
  return composeMail({
    lang: locale,
    to: owner.email,
    subject: t('taskDigest.owner.subject', { count: input.tasks.length }),
    blocks,
    signature: input.organisation,
  });
}
