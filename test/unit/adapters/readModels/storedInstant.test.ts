import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoInstant, storedInstant } from '../../../../src/adapters/readModels/storedInstant.js';

describe('instants as the read models keep them', () => {
  it('are written back exactly as toISOString writes them, any year', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({
            min: Date.parse('2020-01-01T00:00:00Z'),
            max: Date.parse('2030-01-01T00:00:00Z'),
          }),
          fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
        ),
        (milliseconds) => {
          expect(isoInstant(milliseconds)).toBe(new Date(milliseconds).toISOString());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('round-trip through their stored integer', () => {
    for (const text of [
      '1970-01-01T00:00:00.000Z',
      '2026-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
    ]) {
      expect(isoInstant(storedInstant(text) as number)).toBe(text);
    }
  });
});
