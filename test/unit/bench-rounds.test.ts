import { describe, expect, test } from 'vitest';
import { alternatingRounds, median, medianThroughput, ratioSpread, shownRatio } from '../../scripts/bench/rounds.ts';

describe('median()', () => {
  test('is the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('alternatingRounds()', () => {
  test('runs baseline and portal in turn and reports the median ratio with its spread', async () => {
    const ran: string[] = [];
    const portal = [8, 12, 6, 10, 9];
    const result = await alternatingRounds({
      rounds: 5,
      baseline: async (round) => {
        ran.push(`baseline ${round}`);
        return 10;
      },
      portal: async (round) => {
        ran.push(`portal ${round}`);
        return portal[round] as number;
      },
      ratio: (ours, bare) => ours / bare,
    });
    expect(ran).toEqual(['baseline 0', 'portal 0', 'baseline 1', 'portal 1', 'baseline 2', 'portal 2', 'baseline 3', 'portal 3', 'baseline 4', 'portal 4']);
    expect(result.pairs.map((pair) => pair.ratio)).toEqual([0.8, 1.2, 0.6, 1, 0.9]);
    expect(result.ratio).toEqual({ median: 0.9, min: 0.6, max: 1.2 });
    expect(shownRatio(result.ratio, 5)).toBe('0.90 (0.60–1.20 over 5 rounds)');
  });

  test('one slow round moves the spread, not the median', () => {
    expect(ratioSpread([0.9, 0.91, 0.2, 0.92, 0.89]).median).toBe(0.9);
  });
});

describe('medianThroughput()', () => {
  test('takes the median of each figure and counts every failure', () => {
    const round = (requestsPerSecond: number, failures = 0) => ({ requestsPerSecond, p50: requestsPerSecond / 100, p99: requestsPerSecond / 10, failures });
    expect(medianThroughput([round(100), round(300, 2), round(200, 1)])).toEqual({ requestsPerSecond: 200, p50: 2, p99: 20, failures: 3 });
  });
});
