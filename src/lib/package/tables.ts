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
  columns: string[];
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

/** The portal's own data as three tables: the person's requests, cookie choices and marketing consents. */
export function portalTables(data: SubjectExportV2, t: Translate): PackageTable[] {
  const column = (key: string) => t(`package.columns.${key}`);
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
        request.receivedAt,
        request.closedAt,
      ]),
    },
    {
      owner: 'portal',
      name: 'consent-records',
      label: t('package.portal.consentRecords'),
      columns: ['recordedAt', 'action', 'granted', 'denied', 'site', 'policyVersion'].map(column),
      rows: data.consentRecords.map((record) => [
        record.recordedAt,
        record.action,
        record.granted.join(', '),
        record.denied.join(', '),
        record.origin,
        String(record.policy.version),
      ]),
    },
    {
      owner: 'portal',
      name: 'marketing',
      label: t('package.portal.marketing'),
      columns: ['channel', 'address', 'createdAt', 'status'].map(column),
      rows: data.marketing.map((entry) => [entry.channel, entry.address, entry.createdAt, entry.status]),
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
      rows: table.rows.map((row) => row.map(cellText)),
    })),
  );
}
