import { and, asc, eq, ne } from 'drizzle-orm';
import type { RequestFileRow, RequestTaskRow } from '../../../db/rows.ts';
import type { Executor } from '../../../db/store.ts';
import { requestFiles } from '../../../db/tables.ts';
import { locales } from '../locale.ts';
import { buildSubjectExport, type SubjectExportInput } from '../subject-export.ts';
import type { LocalisedText, System } from '../systems/register.ts';
import type { CollectedTable, TaskResult } from '../systems/tasks.ts';
import { tasksOf } from '../systems/tasks.repo.ts';

export const subjectExportV2Version = 2;

export interface SubjectExportV2Input extends SubjectExportInput {
  /** The request the package answers: its tasks and files are the systems' share. */
  requestId: number;
  systems: readonly System[];
}

/** One system's data, collected by a task that finished. */
export interface SystemSection {
  system: string;
  name: LocalisedText;
  categories: LocalisedText[];
  /** Where the system got the data when not from the person (Art. 15(1)(g)); null: from the person. */
  source: LocalisedText | null;
  collectedAt: string;
  tables: CollectedTable[];
}

/** A system that had a part in the request but contributes no data: the DPO found it not applicable, or it holds nothing. */
export interface SystemWithoutData {
  system: string;
  name: LocalisedText;
  reason: 'not-applicable' | 'holds-nothing';
}

export interface PackageFile {
  name: string;
  /** Where the file is in the zip. */
  path: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** The system whose owner or webhook sent it; absent for the DPO's attachments. */
  system?: string;
}

const sameInEveryLocale = (text: string) => Object.fromEntries(locales.map((locale) => [locale, text])) as LocalisedText;

/** The stored result of a finished collect task, or undefined when the task holds none (failed, running, another action). */
function collectedResult(task: RequestTaskRow): Extract<TaskResult, { kind: 'collected' }> | undefined {
  if (task.action !== 'collect' || task.status !== 'done' || !task.result) return undefined;
  const result = JSON.parse(task.result) as TaskResult;
  return result.kind === 'collected' ? result : undefined;
}

/**
 * A file name safe as a zip entry (no directories, no control characters), unique among the package's files: a second
 * `invoice.pdf` becomes `2-invoice.pdf`.
 */
function filePaths(files: readonly RequestFileRow[]): string[] {
  const taken = new Set<string>();
  return files.map((file, index) => {
    const base =
      file.name
        .replace(/[^\p{L}\p{N} ._()+-]/gu, '_')
        .replace(/^\.+/, '_')
        .slice(0, 120) || 'file';
    const path = taken.has(base) ? `${index + 1}-${base}` : base;
    taken.add(path);
    return `files/${path}`;
  });
}

/**
 * The request's files that go into the requester's package (uploaded by owners, returned by webhooks, attached by the
 * DPO), oldest first. What the requester sent with an answer to the DPO's question is the DPO's evidence, not theirs.
 */
export async function requestFilesOf(db: Executor, requestId: number): Promise<RequestFileRow[]> {
  return db
    .select()
    .from(requestFiles)
    .where(and(eq(requestFiles.requestId, requestId), ne(requestFiles.origin, 'requester')))
    .orderBy(asc(requestFiles.id));
}

/**
 * Everything known about a person for one access or portability request (schema `subject-export.v2.json`): what the
 * portal holds (as in v1), one section per system whose task finished with data, the systems that had nothing, and
 * the files of the request. A failed or unfinished task contributes nothing: the person never sees a partial table.
 */
export async function buildSubjectExportV2(db: Executor, input: SubjectExportV2Input) {
  const { $schema: _v1, schemaVersion: _version, ...portal } = await buildSubjectExport(db, input);
  const allTasks = await tasksOf(db, input.requestId);
  const tasks = allTasks.filter((task) => task.action === 'collect');
  const systemOfTask = new Map(allTasks.map((task) => [task.id, task.system]));
  const systemOf = (id: string) => input.systems.find((system) => system.id === id);
  const nameOf = (id: string) => systemOf(id)?.name ?? sameInEveryLocale(id);
  const systems: SystemSection[] = [];
  const withoutData: SystemWithoutData[] = [];
  const fileRows = await requestFilesOf(db, input.requestId);
  const tasksWithFiles = new Set(fileRows.map((file) => file.taskId));
  for (const task of tasks) {
    if (task.status === 'not-applicable') {
      withoutData.push({ system: task.system, name: nameOf(task.system), reason: 'not-applicable' });
      continue;
    }
    const result = collectedResult(task);
    if (!result) continue;
    const tables = result.tables.filter((table) => table.rows.length > 0);
    // An owner who sent files holds data: the files are in the package (`files`), the system has no table.
    if (!tables.length && tasksWithFiles.has(task.id)) continue;
    if (!tables.length) {
      withoutData.push({ system: task.system, name: nameOf(task.system), reason: 'holds-nothing' });
      continue;
    }
    const system = systemOf(task.system);
    systems.push({
      system: task.system,
      name: nameOf(task.system),
      categories: system?.categories ?? [],
      source: system?.source ?? null,
      collectedAt: new Date(result.collectedAt).toISOString(),
      tables,
    });
  }
  const paths = filePaths(fileRows);
  return {
    $schema: `${input.portalOrigin}/schemas/subject-export.v${subjectExportV2Version}.json`,
    schemaVersion: subjectExportV2Version,
    ...portal,
    systems,
    systemsWithoutData: withoutData,
    files: fileRows.map((file, index): PackageFile => {
      const system = file.taskId === null ? undefined : systemOfTask.get(file.taskId);
      return {
        name: file.name,
        path: paths[index] ?? `files/${file.id}`,
        mediaType: file.mediaType,
        size: file.size,
        sha256: file.sha256,
        ...(system ? { system } : {}),
      };
    }),
  };
}

export type SubjectExportV2 = Awaited<ReturnType<typeof buildSubjectExportV2>>;
