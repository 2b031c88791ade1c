import type { Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import type { SubjectExportV2 } from './subject-export-v2.ts';

/** One table as the person reads it (in the document) and takes it away (as CSV): headed columns, text cells. */
export interface PackageTable {
  /** `portal` or the system's id: with `name`, the CSV file's name. */
  owner: string;
  name: string;
  /** The caption in the request's language. */
  label: string;
  /** The columns' names: the CSV's header, for other programs. */
  columns: string[];
  /** What the person reads above each column, in the request's language; absent: the names. */
  headings?: string[];
  rows: (string | null)[][];
}

/** A cell as text: null stays null (shown as a dash, empty in CSV), lists joined, anything else in JSON. */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

/**
 * The portal's own data as three tables: the person's requests, cookie choices and marketing consents, with choices,
 * categories, channels and statuses in the request's language. Moments are written by `moment`: ISO 8601 by default
 * (a CSV, for other programs), a date and time in the reader's language and zone in the readable document.
 */
export function portalTables(data: SubjectExportV2, t: Translate, moment: (iso: string) => string = (iso) => iso): PackageTable[] {
  const column = (key: string) => t(`package.columns.${key}`);
  const at = (iso: string | null) => (iso === null ? null : moment(iso));
  const categories = (list: readonly string[]) => list.map((category) => t(`banner.categories.${category}.name`)).join(', ');
  return [
    {
      owner: 'portal',
      name: 'requests',
      label: t('package.portal.requests'),
      columns: ['reference', 'type', 'status', 'received', 'closed'].map(column),
      rows: data.requests.map((request) => [
        request.reference,
        t(`requests.types.${request.type}.name`),
        t(`requests.status.statuses.${request.status}`),
        at(request.receivedAt),
        at(request.closedAt),
      ]),
    },
    {
      owner: 'portal',
      name: 'consent-records',
      label: t('package.portal.consentRecords'),
      columns: ['recordedAt', 'action', 'granted', 'denied', 'site', 'policyVersion'].map(column),
      rows: data.consentRecords.map((record) => [
        at(record.recordedAt),
        t(`consent.actions.${record.action}`),
        categories(record.granted),
        categories(record.denied),
        record.origin,
        String(record.policy.version),
      ]),
    },
    {
      owner: 'portal',
      name: 'marketing',
      label: t('package.portal.marketing'),
      columns: ['channel', 'address', 'createdAt', 'status'].map(column),
      rows: data.marketing.map((entry) => [
        t(`marketing.channels.${entry.channel}`),
        entry.address,
        at(entry.createdAt),
        t(`dpo.consent.marketingStatus.${entry.status}`),
      ]),
    },
  ];
}

/** Every system's tables, captioned in the request's language (the table's own name when the system gave no label). */
export function systemTables(data: SubjectExportV2, locale: Locale): PackageTable[] {
  return data.systems.flatMap((section) =>
    section.tables.map((table) => ({
      owner: section.system,
      name: table.name,
      label: table.label?.[locale] ?? table.name,
      columns: table.columns,
      headings: table.columns.map((column) => table.columnLabels?.[column]?.[locale] ?? column),
      rows: table.rows.map((row) => row.map(cellText)),
    })),
  );
}
