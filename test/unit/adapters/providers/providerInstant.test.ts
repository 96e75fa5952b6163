import { describe, expect, it } from 'vitest';
import { providerInstant } from '../../../../src/adapters/providers/common/providerInstant.js';

describe('providerInstant', () => {
  it('reads RFC 3339 times with any fraction or offset, to the millisecond, in UTC', () => {
    // Kraken Embed writes nanoseconds (shared/providers.md).
    expect(providerInstant('2025-01-15T10:30:00.123456789Z')).toBe('2025-01-15T10:30:00.123Z');
    expect(providerInstant('2025-01-15T10:30:00Z')).toBe('2025-01-15T10:30:00.000Z');
    expect(providerInstant('2025-01-15T12:30:00.5+02:00')).toBe('2025-01-15T10:30:00.500Z');
    expect(providerInstant('2025-01-15 10:30:00Z')).toBe('2025-01-15T10:30:00.000Z');
  });

  it('reads unix seconds, as a number or digits (KryptoGO payment_tx_timestamp)', () => {
    expect(providerInstant(1_715_462_400)).toBe('2024-05-11T21:20:00.000Z');
    expect(providerInstant('1715462400')).toBe('2024-05-11T21:20:00.000Z');
  });

  it('gives nothing for what is not a time it can trust, rather than failing the delivery', () => {
    for (const value of [
      undefined,
      null,
      '',
      'yesterday',
      '2025-13-45T99:00:00Z',
      0,
      -5,
      1e15,
      {},
    ]) {
      expect(providerInstant(value), typeof value).toBeUndefined();
    }
  });
});
