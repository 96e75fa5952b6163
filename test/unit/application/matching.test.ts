import { describe, expect, it } from 'vitest';
import {
  matchingCountCap,
  matchingInWords,
  matchingOf,
} from '../../../src/application/documentPage.js';
import type { ReadModelQueries } from '../../../src/domain/ports/index.js';

/** A store that holds `rows` matching rows and counts them as the port says: up to the cap. */
const holding = (rows: number) => {
  const asked: number[] = [];
  const readModels = {
    countUpTo: (_projection: string, _where: unknown, cap: number) => {
      asked.push(cap);
      return Math.min(rows, cap);
    },
  } as unknown as ReadModelQueries;
  return { readModels, asked };
};

describe('how many rows a list says match', () => {
  it('counts exactly up to the cap, asking the store for one more than it', () => {
    const { readModels, asked } = holding(6_399);
    expect(matchingOf(readModels, 'payments', [])).toEqual({ count: 6_399, capped: false });
    expect(asked).toEqual([matchingCountCap + 1]);
    expect(matchingOf(holding(matchingCountCap).readModels, 'payments', [])).toEqual({
      count: matchingCountCap,
      capped: false,
    });
  });

  it('says "more than" beyond the cap, never the exact number it did not count', () => {
    expect(matchingOf(holding(2_000_000).readModels, 'payments', [])).toEqual({
      count: matchingCountCap,
      capped: true,
    });
  });

  it('reads as a person would say it', () => {
    expect(matchingInWords({ count: 6_399, capped: false }, 'payment', 'payments')).toBe(
      '6,399 payments',
    );
    expect(matchingInWords({ count: 1, capped: false }, 'payment', 'payments')).toBe('1 payment');
    expect(matchingInWords({ count: 10_000, capped: true }, 'payment', 'payments')).toBe(
      'more than 10,000 payments',
    );
  });
});
