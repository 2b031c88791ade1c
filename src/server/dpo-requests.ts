import { complaintAuthorities } from '../lib/supervisory-authorities.ts';
import type { RequestExportRow, RequestRow } from '../../db/rows.ts';
import { actionProblems, dpoActionSchema, toRequestAction, type ActionFieldProblem, type DpoActionForm } from '../lib/dpo-actions.ts';
import { formatDateUntil, formatMoment } from '../lib/i18n.ts';
import { isLocale, type Locale } from '../lib/locale.ts';
import { completeRequest } from '../lib/request-completion.ts';
import { answerFilesUntil } from '../lib/request-downloads.ts';
import { requestUpdateEmail, type Downloads, type RequestUpdateEmailInput } from '../lib/request-email.ts';
import { filesListOf, type RequestFileListing } from '../lib/request-files.repo.ts';
import { producesExport, type WorkflowAction } from '../lib/request-workflow.ts';
import { eventsOf, exportOf, findRequest, recordEvent, takeAction, type RequestAction } from '../lib/requests.repo.ts';
import { localDate } from '../lib/deadline.ts';
import { planTasks } from '../lib/systems/tasks.ts';
import { wakeTaskRunner } from './task-runner-wake.ts';
import { getStore } from './db.ts';
import type { SignedIn } from './dpo-auth.ts';
import { translatorFor } from './i18n.ts';
import { getMailer } from './mail.ts';
import { getOrganisation } from './organisation.ts';
import { errorKind, statusUrl } from './requests.ts';
import { log } from '../lib/log.ts';
import { getPortal } from './portal.ts';
import { answerFileDownloadPath, exportDownloadPath } from './request-downloads.ts';

export type ActionResult =
  | { ok: true; action: WorkflowAction; request: RequestRow; emailed?: boolean }
  | { ok: false; status: 400; problems: ActionFieldProblem[] }
  | {
      ok: false;
      status: 400 | 409;
      conflict: 'status' | 'type' | 'alreadyExtended' | 'tooLate' | 'consentId' | 'alreadyErased' | 'openTasks';
      request: RequestRow;
    }
  | { ok: false; status: 404 };

/**
 * A DPO's action on a request, from a form or JSON: validated, taken with its audit event in one transaction (the
 * completion's export and the erasure's anonymisation inside it), then the requester is told by email in their
 * request's language when the action concerns them. A failed email leaves the action done and records a
 * `notification-failed` event for the DPO to follow up.
 */
export async function actOnRequest(reference: string, fields: unknown, dpo: SignedIn, origin: string, now = getPortal().clock()): Promise<ActionResult> {
  const store = getStore();
  const before = await store.read((db) => findRequest(db, reference));
  if (!before) return { ok: false, status: 404 };
  const parsed = dpoActionSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, status: 400, problems: actionProblems(parsed.error) };
  const form = parsed.data;
  const actor = `dpo:${dpo.user.email}`;
  const organisation = getOrganisation();
  const outcome =
    form.action === 'complete'
      ? await completeRequest(store, {
          reference,
          message: form.message,
          ...(form.openTasksReason ? { openTasksReason: form.openTasksReason } : {}),
          actor,
          now,
          organisation,
          portalOrigin: origin,
          packageSources: { systems: getPortal().systems, catalogue: getPortal().catalogue, translatorFor: getPortal().translators.translatorFor },
        })
      : await takeAction(store, reference, withTaskPlan(toRequestAction(form, organisation.timeZone), before, now), actor, now);
  if (!outcome.ok) {
    if (outcome.problem === 'months' || outcome.problem === 'reason' || outcome.problem === 'method') {
      return { ok: false, status: 400, problems: [{ field: outcome.problem === 'reason' ? 'reason' : outcome.problem, problem: outcome.problem }] };
    }
    const current = (await store.read((db) => findRequest(db, reference))) ?? before;
    return { ok: false, status: outcome.problem === 'alreadyExtended' ? 400 : 409, conflict: outcome.problem, request: current };
  }
  // Starting plans the tasks, an erasure schedules its own: either may leave work due for the runner now.
  if (form.action === 'start' || form.action === 'erase') wakeTaskRunner();
  const request = outcome.request;
  const locale = isLocale(request.locale) ? request.locale : getOrganisation().defaultLocale;
  const base = updateFor(form, request, locale);
  if (!base) return { ok: true, action: form.action, request };
  const update = base.kind === 'completed' ? { ...base, downloads: await answerDownloads(request, locale, origin) } : base;
  // Addressed as the request was before the action: an answered erasure request no longer holds the address.
  return { ok: true, action: form.action, request, emailed: await tellRequester(request, before, locale, update, origin) };
}

/** The signed links of what a completion hands over: the package, or the files attached to another type's answer. */
async function answerDownloads(request: RequestRow, locale: Locale, origin: string): Promise<Downloads | undefined> {
  const { store, clock } = getPortal();
  const now = clock();
  const { download, files, filesUntil } = await store.read(async (db) => {
    const events = await eventsOf(db, request.id);
    return { download: await exportOf(db, request.id), files: await filesListOf(db, request.id, 'dpo'), filesUntil: answerFilesUntil(request, events) };
  });
  return downloadsFor(request.reference, download, filesUntil === undefined ? [] : files, filesUntil, locale, origin, now);
}

/** The mail's download links (absolute, signed) for a package or an answer's files, while they run. */
export function downloadsFor(
  reference: string,
  download: RequestExportRow | undefined,
  files: readonly RequestFileListing[],
  filesUntil: number | undefined,
  locale: Locale,
  origin: string,
  now: number,
): Downloads | undefined {
  if (download)
    return download.expiresAt < now
      ? undefined
      : { until: formatMoment(download.expiresAt, locale), links: [{ url: origin + exportDownloadPath(reference, download) }] };
  if (filesUntil === undefined || filesUntil < now || files.length === 0) return undefined;
  return {
    until: formatMoment(filesUntil, locale),
    links: files.map((file) => ({ name: file.name, url: origin + answerFileDownloadPath(reference, file, filesUntil) })),
  };
}

/** A start carries the tasks of the request's type: one per relevant system in the register, recipients last. */
function withTaskPlan(action: RequestAction, request: RequestRow, now: number): RequestAction {
  if (action.action !== 'start') return action;
  const { systems, organisation } = getPortal();
  return { ...action, tasks: { planned: planTasks(request.type, systems, organisation.processors), today: localDate(now, organisation.timeZone) } };
}

function updateFor(form: DpoActionForm, request: RequestRow, locale: Locale): RequestUpdateEmailInput['update'] | undefined {
  switch (form.action) {
    case 'extend':
      return { kind: 'extended', dueOn: formatDateUntil(request.dueOn, locale), reason: form.extendReason };
    case 'complete':
      return { kind: 'completed', message: form.message, export: producesExport(request.type) };
    case 'reject':
      return { kind: 'rejected', reason: form.rejectReason };
    case 'ask':
      return { kind: 'information', reason: form.askReason, question: form.question };
    default:
      return undefined;
  }
}

export async function tellRequester(
  request: RequestRow,
  addressee: Pick<RequestRow, 'email' | 'name'>,
  locale: Locale,
  update: RequestUpdateEmailInput['update'],
  origin: string,
): Promise<boolean> {
  // A request recorded from a letter or a call may have no address: nothing to send, and nothing failed.
  if (!addressee.email) return true;
  try {
    await getMailer().send(
      requestUpdateEmail({
        t: translatorFor(locale),
        lang: locale,
        to: addressee.email,
        name: addressee.name,
        reference: request.reference,
        statusUrl: statusUrl(origin, locale, request.reference),
        organisation: getOrganisation().legalName,
        dpoName: getOrganisation().dpo.name,
        dpoEmail: getOrganisation().dpo.email,
        update,
        authorities: complaintAuthorities(getOrganisation(), locale),
      }),
    );
    return true;
  } catch (error) {
    log.error('A request email could not be sent.', { reference: request.reference, email: update.kind, error: errorKind(error) });
    await recordEvent(getStore(), request.id, 'notification-failed', 'system', getPortal().clock(), { email: update.kind, error: errorKind(error) });
    return false;
  }
}
