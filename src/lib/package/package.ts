import type { RequestRow } from '../../../db/rows.ts';
import type { Executor } from '../../../db/store.ts';
import type { Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import type { Organisation } from '../organisation.ts';
import { currentVersion, todayIn, type PolicyCatalog } from '../policy-catalog.ts';
import type { ExportContent } from '../requests.repo.ts';
import type { System } from '../systems/register.ts';
import { renderPackageDocument } from './document.ts';
import { buildSubjectExportV2, requestFilesOf } from './subject-export-v2.ts';
import { portalTables, systemTables } from './tables.ts';
import { buildPackageZip } from './zip.ts';

/** What a package is made from besides the database: the portal's content and translators. */
export interface PackageSources {
  organisation: Organisation;
  portalOrigin: string;
  systems: readonly System[];
  catalogue: PolicyCatalog;
  translatorFor(locale: Locale): Translate;
}

export interface PackageRequest {
  request: RequestRow;
  message: string;
  now: number;
}

/**
 * The package of an access or portability request, made in the completion's transaction: data.json (v2), the readable
 * document in the request's language with the privacy notice in force that day, CSV per table for portability, and the
 * request's files. Returns the export row's content: data.json's text and the zip in base64.
 */
export async function buildRequestPackage(db: Executor, sources: PackageSources, input: PackageRequest): Promise<ExportContent> {
  const { request, now } = input;
  const locale = request.locale as Locale;
  const t = sources.translatorFor(locale);
  const data = await buildSubjectExportV2(db, {
    email: request.email,
    request,
    organisation: sources.organisation,
    portalOrigin: sources.portalOrigin,
    now,
    requestId: request.id,
    systems: sources.systems,
  });
  const notice = currentVersion(sources.catalogue['privacy-notice'], todayIn(sources.organisation.timeZone, new Date(now)))?.texts[locale];
  if (!notice) throw new Error('no privacy notice is in force on the completion date');
  const html = renderPackageDocument({
    data,
    request,
    message: input.message,
    completedAt: now,
    locale,
    t,
    organisation: sources.organisation,
    notice,
    portalOrigin: sources.portalOrigin,
    systems: sources.systems,
  });
  const files = await requestFilesOf(db, request.id);
  const dataJson = `${JSON.stringify(data, null, 2)}\n`;
  const zip = buildPackageZip({
    dataJson,
    html,
    csvTables: request.type === 'portability' ? [...portalTables(data, t), ...systemTables(data, locale)] : [],
    files: files.map((file, index) => ({ path: data.files[index]?.path ?? `files/${file.id}`, content: Buffer.from(file.contentBase64, 'base64') })),
    madeAt: now,
  });
  return { content: dataJson, packageBase64: Buffer.from(zip).toString('base64') };
}
