// Portal and baseline measured in alternating rounds (baseline, portal, baseline, portal…), so a noisy neighbour on
// the machine weighs on both alike, and the ratio reported as the median of the rounds' ratios with their spread.
import type { Latency, Throughput } from './measure.ts';

export interface Rounds<T> {
  /** Each round's pair, in the order they ran. */
  pairs: { portal: T; baseline: T; ratio: number }[];
  /** The median of the rounds' ratios, and the lowest and highest of them. */
  ratio: { median: number; min: number; max: number };
}

/** The median of `values` (the mean of the middle two when their count is even); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The ratios of the rounds, summarised: their median, lowest and highest. */
export function ratioSpread(ratios: readonly number[]): Rounds<unknown>['ratio'] {
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * Runs `baseline` then `portal`, `rounds` times; `ratio(portal, baseline)` compares each round's pair (the portal's
 * throughput over the baseline's, or its time over the baseline's). Each is called with the round's index.
 */
export async function alternatingRounds<T>(options: {
  rounds: number;
  baseline: (round: number) => Promise<T>;
  portal: (round: number) => Promise<T>;
  ratio: (portal: T, baseline: T) => number;
}): Promise<Rounds<T>> {
  const pairs: Rounds<T>['pairs'] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const baseline = await options.baseline(round);
    const portal = await options.portal(round);
    pairs.push({ portal, baseline, ratio: options.ratio(portal, baseline) });
  }
  return { pairs, ratio: ratioSpread(pairs.map((pair) => pair.ratio)) };
}

/** The rounds' throughputs as one: the median of each figure, and every failure of every round. */
export function medianThroughput(results: readonly Throughput[]): Throughput {
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
  };
}

/** The rounds' latencies as one: the median of each percentile, the samples of every round. */
export function medianLatency(results: readonly Latency[]): Latency {
  return {
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    samples: results.reduce((sum, result) => sum + result.samples, 0),
  };
}

/** `0.62 (0.55–0.70 over 5 rounds)`: how the table shows a ratio. */
export function shownRatio(ratio: Rounds<unknown>['ratio'], rounds: number, digits = 2): string {
  return `${ratio.median.toFixed(digits)} (${ratio.min.toFixed(digits)}–${ratio.max.toFixed(digits)} over ${rounds} round${rounds === 1 ? '' : 's'})`;
}
