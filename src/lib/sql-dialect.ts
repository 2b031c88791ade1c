import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { tablesDialect } from '../../db/tables.ts';

/*
 * The few SQL expressions SQLite and PostgreSQL spell differently, written once for the store this process runs on
 * (see db/tables.ts). Everything else the repositories write is the same on both.
 */

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * `column` holds `text` (letter case ignored for ASCII, as SQLite's LIKE does; ILIKE on PostgreSQL) at its start or
 * anywhere. `%`, `_` and `\` in `text` are matched literally, on both stores (SQLite's LIKE has no escape character
 * unless one is named, so it is named on both).
 */
export function matchesText(column: SQLWrapper, text: string, where: 'start' | 'anywhere'): SQL {
  const pattern = where === 'start' ? `${escapeLike(text)}%` : `%${escapeLike(text)}%`;
  return tablesDialect === 'postgres' ? sql`${column} ilike ${pattern} escape '\\'` : sql`${column} like ${pattern} escape '\\'`;
}

/** The ISO date `days` calendar days before the ISO date in `date` (both columns or expressions), as text. */
export function isoDateDaysBefore(date: SQLWrapper, days: SQLWrapper): SQL<string> {
  return tablesDialect === 'postgres'
    ? sql<string>`to_char(cast(${date} as date) - cast(${days} as integer), 'YYYY-MM-DD')`
    : sql<string>`date(${date}, '-' || ${days} || ' days')`;
}

/**
 * The unique index a failed write broke, as the store names it: PostgreSQL gives the index's name
 * (`requests_reference`), SQLite the indexed columns (`requests.reference`). Undefined for any other error. drizzle
 * wraps the driver's error, so its causes are searched too.
 */
export function brokenUniqueIndex(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = 'code' in cause ? cause.code : undefined;
    if (code === '23505') return 'constraint' in cause ? String(cause.constraint) : '';
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') return cause.message.replace(/^UNIQUE constraint failed: /, '');
  }
  return undefined;
}

/** `left || right` with both sides taken as text (PostgreSQL will not guess the type of a parameter beside a number). */
export function concatText(left: SQLWrapper | string, right: SQLWrapper | string): SQL<string> {
  return sql<string>`(cast(${left} as text) || cast(${right} as text))`;
}
