import { describe, expect, test } from 'vitest';
import { readEnvironment } from '../../src/lib/environment.ts';

describe('readEnvironment()', () => {
  test('has defaults for a fresh machine', () => {
    expect(readEnvironment({})).toEqual({ PORT: 4321, HOST: 'localhost', DATABASE_PATH: './data/portal.db' });
  });

  test('names every bad variable', () => {
    expect(() => readEnvironment({ PORT: 'eighty', DATABASE_PATH: '' })).toThrow(/PORT[\s\S]*DATABASE_PATH/);
  });
});
