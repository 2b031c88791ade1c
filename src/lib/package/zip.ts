import { strToU8, zipSync, type Zippable } from 'fflate';
import type { PackageTable } from './tables.ts';

/** A file name part from a system or table name: letters, digits and hyphens. */
const safe = (value: string) => value.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'table';

/**
 * A field per RFC 4180: quoted when it holds a comma, a quote, CR or LF, its quotes doubled; null is empty. A value a
 * spreadsheet would run as a formula (it starts with =, +, -, @, tab or CR) is made text by a leading apostrophe and
 * quoted, as OWASP's advice on CSV injection says; a plain number (`-12.50`, `+48600100200`) stays a number.
 */
function csvField(value: string | null): string {
  if (value === null) return '';
  if (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(?:[.,]\d+)?$/.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A table as CSV (RFC 4180: CRLF line ends, a header row), UTF-8 with a byte-order mark so that spreadsheet programs
 * read Greek and Bulgarian text as UTF-8 instead of the system's legacy code page.
 */
export function tableCsv(table: Pick<PackageTable, 'columns' | 'rows'>): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function csvPath(table: Pick<PackageTable, 'owner' | 'name'>): string {
  return `csv/${safe(table.owner)}-${safe(table.name)}.csv`;
}

export interface PackageContents {
  dataJson: string;
  html: string;
  /** Tables written as CSV too (portability); empty for access. */
  csvTables: readonly PackageTable[];
  files: readonly { path: string; content: Uint8Array }[];
  /** Every entry's modification time: the completion, so the same package is the same bytes. */
  madeAt: number;
}

/**
 * The zip the person downloads: data.json, index.html, csv/ (portability) and files/. Deterministic: the entries in a
 * fixed order, each stamped with the completion time (written as its UTC wall-clock time, whatever the server's zone).
 */
export function buildPackageZip(contents: PackageContents): Uint8Array {
  const offset = new Date(contents.madeAt).getTimezoneOffset() * 60_000;
  const mtime = new Date(contents.madeAt + offset);
  const entries: Zippable = {
    'data.json': strToU8(contents.dataJson),
    'index.html': strToU8(contents.html),
  };
  // Two tables whose names read the same as file names (`Τιμολόγια` and `Πληρωμές` are both `table`) keep a CSV each.
  for (const table of contents.csvTables) {
    const path = csvPath(table);
    let unique = path;
    for (let n = 2; unique in entries; n += 1) unique = path.replace(/\.csv$/, `-${n}.csv`);
    entries[unique] = strToU8(tableCsv(table));
  }
  for (const file of contents.files) entries[file.path] = [file.content, { level: 0 }];
  return zipSync(entries, { level: 6, mtime });
}
