import { isLocale } from '../lib/locale.ts';
import { renewDownloads } from '../lib/request-downloads.repo.ts';
import { attachFiles, removeFile } from '../lib/request-files.repo.ts';
import { isReference } from '../lib/requests.ts';
import { checkUpload, filesOf, type CheckedUpload, type UploadProblem } from '../lib/uploads.ts';
import type { SignedIn } from './dpo-auth.ts';
import { downloadsFor, tellRequester } from './dpo-requests.ts';
import { getPortal } from './portal.ts';

export type RenewalResult = { ok: true; emailed: boolean } | { ok: false; problem: 'notFound' | 'nothingToRenew' | 'anonymised' };

/**
 * The DPO renews the requester's downloads for 7 days (the package, or the files attached to another type's answer),
 * then mails the requester the new signed links in the request's language. A failed mail leaves the renewal done and
 * records `notification-failed`, as the other request mails do.
 */
export async function renewDownloadsAsDpo(reference: string, dpo: SignedIn, origin: string): Promise<RenewalResult> {
  if (!isReference(reference)) return { ok: false, problem: 'notFound' };
  const { store, clock, organisation } = getPortal();
  const now = clock();
  const renewed = await renewDownloads(store, reference, `dpo:${dpo.user.email}`, now);
  if (!renewed.ok) return renewed;
  const { request } = renewed;
  const locale = isLocale(request.locale) ? request.locale : organisation.defaultLocale;
  const downloads = downloadsFor(reference, renewed.download, renewed.files, renewed.until, locale, origin, now);
  if (!downloads) return { ok: false, problem: 'nothingToRenew' };
  return { ok: true, emailed: await tellRequester(request, request, locale, { kind: 'renewed', downloads }, origin) };
}

export type FilesResult = { ok: true; done: 'attached' | 'removed' } | { ok: false; problem: UploadProblem | 'none' | 'closed' | 'notFound' };

/**
 * The DPO's attachments to the answer, from the request page's multipart form: `attach` checks every file by content
 * and size and stores them all or none; `remove` takes one of theirs off before the answer is sent.
 */
export async function changeFilesAsDpo(reference: string, form: FormData, dpo: SignedIn): Promise<FilesResult> {
  const { store, clock } = getPortal();
  const actor = `dpo:${dpo.user.email}`;
  const action = form.get('action');
  if (action === 'remove') {
    const id = form.get('file');
    if (typeof id !== 'string' || !/^\d{1,12}$/.test(id)) return { ok: false, problem: 'notFound' };
    const removed = await removeFile(store, reference, Number(id), actor, clock());
    return removed.ok ? { ok: true, done: 'removed' } : removed;
  }
  if (action !== 'attach') return { ok: false, problem: 'none' };
  const given = await filesOf(form, 'files');
  if (given.length === 0) return { ok: false, problem: 'none' };
  const checked: CheckedUpload[] = [];
  for (const file of given) {
    const check = checkUpload(file.name, file.content);
    if (!check.ok) return { ok: false, problem: check.problem };
    checked.push(check.file);
  }
  const attached = await attachFiles(store, reference, checked, actor, clock());
  return attached.ok ? { ok: true, done: 'attached' } : attached;
}
