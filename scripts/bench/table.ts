// How `npm run bench` shows its figures: one row per measurement, each beside its baseline from the same run.
import type { Latency, Throughput } from './measure.ts';

export interface Row {
  what: string;
  portal: string;
  baseline: string;
  /** The median of the rounds' ratios and their spread (rounds.ts shownRatio). */
  ratio: string;
  target: string;
  result: 'pass' | 'FAIL' | 'not run';
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** Throughput and latency under load, as one cell. */
export const shownLoad = (result: Throughput) =>
  `${Math.round(result.requestsPerSecond).toLocaleString('en')} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}${result.failures ? `, ${result.failures} failed` : ''}`;

/** One request at a time, as one cell. */
export const shownTiming = (result: Latency) => `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}`;

/** Prints the rows as a Markdown table. */
export function printTable(rows: readonly Row[]): void {
  const columns = ['what', 'portal', 'baseline', 'ratio', 'target', 'result'] as const;
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (values: readonly string[]) => `| ${values.map((value, index) => value.padEnd(widths[index] as number)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}
