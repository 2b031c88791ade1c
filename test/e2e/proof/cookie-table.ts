import { Lexer, type Tokens } from 'marked';
import type { Locale } from '../../../src/lib/locale.ts';

/** One row of a cookie table in a cookie policy: the cookie's name and every lifetime its last column states. */
export interface CookieRow {
  name: string;
  lifetimes: number[];
}

const minute = 60;
const hour = 60 * minute;
const day = 24 * hour;
const units: Record<Locale, [RegExp, number][]> = {
  el: [
    [/^λεπτ/, minute],
    [/^ώρ/, hour],
    [/^(ημέρ|μέρ)/, day],
    [/^μήν/, 30.4375 * day],
    [/^(έτ|χρόν)/, 365.25 * day],
  ],
  bg: [
    [/^минут/, minute],
    [/^час/, hour],
    [/^(ден|дни|дена)/, day],
    [/^месец/, 30.4375 * day],
    [/^(година|години)/, 365.25 * day],
  ],
  nl: [
    [/^minu/, minute],
    [/^uur/, hour],
    [/^dag/, day],
    [/^maand/, 30.4375 * day],
    [/^jaar/, 365.25 * day],
  ],
  pl: [
    [/^minut/, minute],
    [/^godzin/, hour],
    [/^(dzień|dni)/, day],
    [/^miesi/, 30.4375 * day],
    [/^(rok|lat)/, 365.25 * day],
  ],
};

/** Every "<number> <unit>" a lifetime cell states, in seconds; a unit this reader does not know fails loudly. */
export function parseLifetimes(cell: string, locale: Locale): number[] {
  return [...cell.matchAll(/(\d+)\s+(\p{L}+)/gu)].map(([, count = '', word = '']) => {
    const unit = units[locale].find(([pattern]) => pattern.test(word.toLowerCase()));
    if (!unit) throw new Error(`${locale}: no time unit in "${word}" (${cell})`);
    return Number(count) * unit[1];
  });
}

/** The rows of the first table in a section's Markdown: the name in backticks in the first column, lifetimes last. */
export function cookieTable(markdown: string, locale: Locale): CookieRow[] {
  const table = new Lexer().lex(markdown).find((token): token is Tokens.Table => token.type === 'table');
  if (!table) throw new Error('no table in the section');
  return table.rows.map((row) => {
    const name = /`([^`]+)`/.exec(row[0]?.text ?? '')?.[1];
    if (!name) throw new Error(`a row without a cookie name in backticks: ${row[0]?.text}`);
    return { name, lifetimes: parseLifetimes(row.at(-1)?.text ?? '', locale) };
  });
}
