import type { RequestEventRow } from '../../db/rows.ts';
import { formatCalendarDate, formatMoment, type Translate } from './i18n.ts';
import { intlTags, type Locale } from './locale.ts';
import { marketingChannels } from './marketing.ts';

/** One line of a request's audit trail as the DPO reads it: when, who, what, and the particulars. */
export interface TrailEntry {
  id: number;
  kind: string;
  at: number;
  /** The requester, the portal itself, or the DPO's email address. */
  who: string;
  what: string;
  details: string[];
}

interface EventDetail {
  method?: string;
  note?: string;
  text?: string;
  days?: number;
  /** An extension by calendar months (from issue 13 on); older extensions have only `days`. */
  months?: number;
  reason?: string;
  dueOn?: string;
  message?: string;
  /** An objection to direct marketing's completion: the marketing consents it withdrew, per channel. */
  marketingWithdrawn?: Partial<Record<string, number>>;
  counts?: ErasureCountFacts;
  /** What anonymised the request (`retention` or `erasure`), and which erasure request. */
  by?: string;
  erasure?: string;
  email?: string;
  /** A failed email's reason (text), or a task's error (code and detail). */
  error?: string | { code: string; detail?: string };
  consentId?: string;
  /** A task's system, and what an attempt or its outcome came to (src/lib/systems/tasks.repo.ts). */
  system?: string;
  /** Why a callback or an owner's post was refused (src/lib/systems/tasks.repo.ts `recordRefusedCallback`). */
  problem?: 'wrongToken' | 'reusedToken' | 'expiredToken' | 'badSignature' | 'staleTimestamp';
  tasks?: { system: string; action: string }[];
  tables?: { name: string; rows: number }[];
  /** A file's name and size (bytes), for an attachment or its removal. */
  name?: string;
  size?: number;
  /** Until when a renewed download runs. */
  until?: number;
  /** The DPO account a request was assigned to; null: to nobody. */
  to?: string | null;
  /** The free texts retention removed once the request was anonymised. */
  redacted?: string[];
  /** A question to the requester, and the days a wait for their answer moved the deadline by. */
  question?: string;
  pausedDays?: number;
  /** How and on which day a request the DPO recorded was received (post, phone, email). */
  channel?: string;
  receivedOn?: string;
}

/** The audit trail in the DPO's language: every event, oldest first, with who did it. */
export function describeTrail(events: readonly RequestEventRow[], t: Translate, locale: Locale): TrailEntry[] {
  return events.map((event) => {
    const detail = parseDetail(event.detail);
    return {
      id: event.id,
      kind: event.kind,
      at: event.occurredAt,
      who: event.actor.startsWith('dpo:') ? event.actor.slice(4) : t(`dpo.request.actor.${event.actor === 'requester' ? 'requester' : 'system'}`),
      what: t(`dpo.request.events.${event.kind}`),
      details: detailsOf(event.kind, detail, t, locale),
    };
  });
}

/** "Email: 1, SMS: 0, Phone calls: 0": marketing consents counted per channel (never their addresses). */
export function marketingCounts(counts: Partial<Record<string, number>>, t: Translate, locale: Locale): string {
  const number = new Intl.NumberFormat(intlTags[locale]);
  return marketingChannels.map((channel) => `${t(`marketing.channels.${channel}`)}: ${number.format(counts[channel] ?? 0)}`).join(', ');
}

function marketingWithdrawnLine(withdrawn: Partial<Record<string, number>>, t: Translate, locale: Locale): string {
  return t('dpo.request.objection.withdrawn', { channels: marketingCounts(withdrawn, t, locale) });
}

function detailsOf(kind: string, detail: EventDetail, t: Translate, locale: Locale): string[] {
  const redacted = detail.redacted ? t('dpo.request.detail.redacted') : '';
  switch (kind) {
    case 'received':
      return detail.channel && detail.receivedOn ? [t(`dpo.intake.trail.${detail.channel}`, { date: formatCalendarDate(detail.receivedOn, locale) })] : [];
    case 'identity-verified':
      return [t('dpo.request.detail.method', { method: t(`dpo.request.methods.${detail.method ?? 'other'}`) }), ...[detail.note ?? redacted].filter(Boolean)];
    case 'extended':
      return [
        detail.months === undefined
          ? t('dpo.request.extension', { count: detail.days ?? 0, reason: detail.reason ?? redacted })
          : t('deadline.extensionMonths', { count: detail.months, reason: detail.reason ?? redacted }),
        ...(detail.dueOn ? [t('dpo.request.detail.newDue', { date: formatCalendarDate(detail.dueOn, locale) })] : []),
      ];
    case 'note':
      return [detail.text ?? redacted];
    case 'completed':
      return [detail.message ?? redacted, ...(detail.marketingWithdrawn ? [marketingWithdrawnLine(detail.marketingWithdrawn, t, locale)] : [])];
    case 'rejected':
      return [detail.reason ?? redacted];
    case 'erased':
      return erasureCountLines(detail.counts ?? {}, t);
    case 'consent-id-linked':
      return [detail.consentId ? t('dpo.request.detail.consentId', { consentId: detail.consentId }) : redacted, detail.note ?? ''].filter(Boolean);
    case 'anonymised':
      if (detail.erasure) return [t('dpo.request.detail.anonymisedByErasure', { reference: detail.erasure })];
      return detail.by === 'erasure' ? [t('dpo.request.detail.erasureAnswered')] : [];
    case 'tasks-planned':
      return (detail.tasks ?? []).map((task) => `${task.system}: ${t(`dpo.tasks.actions.${task.action}`)}`);
    case 'task-attempt':
    case 'task-waiting':
    case 'task-done':
    case 'task-failed':
    case 'task-retried':
    case 'task-not-applicable':
    case 'task-callback-refused':
      return [
        detail.system ?? '',
        ...(typeof detail.error === 'object' ? [t(`dpo.tasks.errors.${detail.error.code}`) + (detail.error.detail ? ` (${detail.error.detail})` : '')] : []),
        ...Object.entries(detail.counts ?? {}).map(([name, count]) => t('dpo.tasks.tableRows', { table: name, rows: t('dpo.tasks.rows', { count }) })),
        ...(detail.tables ?? []).map((table) => t('dpo.tasks.tableRows', { table: table.name, rows: t('dpo.tasks.rows', { count: table.rows }) })),
        ...(kind === 'task-not-applicable' && detail.reason ? [detail.reason] : []),
        ...(kind === 'task-callback-refused' && detail.problem ? [t(`dpo.tasks.callbackProblems.${detail.problem}`)] : []),
      ].filter(Boolean);
    case 'file-attached':
    case 'file-removed':
      return detail.name === undefined
        ? [redacted].filter(Boolean)
        : [
            t('dpo.request.detail.file', {
              name: detail.name,
              size: new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 }).format((detail.size ?? 0) / 1024),
            }),
          ];
    case 'information-requested':
      return [
        ...(detail.reason === 'identification' || detail.reason === 'clarification' ? [t(`dpo.request.askReasons.${detail.reason}`)] : []),
        detail.question ?? redacted,
      ].filter(Boolean);
    case 'information-provided':
      return [
        detail.text ?? redacted,
        ...(detail.name === undefined
          ? []
          : [
              t('dpo.request.detail.file', {
                name: detail.name,
                size: new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 }).format((detail.size ?? 0) / 1024),
              }),
            ]),
        ...(detail.dueOn && detail.pausedDays
          ? [t('dpo.request.detail.pausedDays', { count: detail.pausedDays, date: formatCalendarDate(detail.dueOn, locale) })]
          : []),
      ];
    case 'assigned':
      return [detail.to ? t('dpo.request.detail.assignedTo', { email: detail.to }) : t('dpo.request.detail.unassigned')];
    case 'export-renewed':
      return detail.until === undefined ? [] : [t('dpo.request.detail.renewedUntil', { date: formatMoment(detail.until, locale) })];
    case 'notification-failed':
      return [
        t('dpo.request.detail.failedEmail', {
          email: t(`dpo.request.emailKinds.${detail.email ?? 'received'}`),
          error: typeof detail.error === 'string' ? detail.error : '',
        }),
      ];
    default:
      return [];
  }
}

/** The counts an erasure records; the last two from issue 13 on (older erasures have only the first three). */
interface ErasureCountFacts {
  consentRecords?: number;
  marketingSubscriptions?: number;
  marketingEvents?: number;
  requestsAnonymised?: number;
  exportsDeleted?: number;
}

/** "3 consent records", "1 marketing consent", …: plural-correct, one line each. */
export function erasureCountLines(counts: ErasureCountFacts, t: Translate): string[] {
  return [
    t('dpo.request.count.consentRecords', { count: counts.consentRecords ?? 0 }),
    t('dpo.request.count.marketingSubscriptions', { count: counts.marketingSubscriptions ?? 0 }),
    t('dpo.request.count.marketingEvents', { count: counts.marketingEvents ?? 0 }),
    ...(counts.requestsAnonymised === undefined ? [] : [t('dpo.request.count.requestsAnonymised', { count: counts.requestsAnonymised })]),
    ...(counts.exportsDeleted === undefined ? [] : [t('dpo.request.count.exportsDeleted', { count: counts.exportsDeleted })]),
  ];
}

/** What an `anonymised` event says anonymised the request, or undefined without one. */
export function anonymisation(event: Pick<RequestEventRow, 'detail'> | undefined): { by: string; erasure?: string } | undefined {
  if (!event) return undefined;
  const detail = parseDetail(event.detail);
  return { by: detail.by ?? 'retention', ...(detail.erasure ? { erasure: detail.erasure } : {}) };
}

function parseDetail(detail: string | null): EventDetail {
  if (!detail) return {};
  try {
    const value: unknown = JSON.parse(detail);
    return value && typeof value === 'object' ? (value as EventDetail) : {};
  } catch {
    return {};
  }
}
