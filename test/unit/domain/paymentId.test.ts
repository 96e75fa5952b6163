import { describe, expect, it } from 'vitest';
import {
  paymentIdFromStreamName,
  paymentRefSchema,
  paymentStreamName,
} from '../../../src/domain/index.js';

describe('payment stream names', () => {
  it('round-trip a provider and a reference, including references with dashes and slashes', () => {
    for (const ref of ['AEGXGV-JZ4I2-6QXEJS', 'GSoAAAAAAAA', 'a/b/c']) {
      const id = { provider: 'kraken-embed', ref } as const;
      expect(paymentStreamName(id)).toBe(`payment-kraken-embed/${ref}`);
      expect(paymentIdFromStreamName(paymentStreamName(id))).toEqual(id);
    }
  });

  it('refuses other streams', () => {
    expect(paymentIdFromStreamName('delivery-123')).toBeNull();
    expect(paymentIdFromStreamName('payment-stripe/abc')).toBeNull();
    expect(paymentIdFromStreamName('payment-kkiapay/')).toBeNull();
  });

  it('refuses references with control characters or no characters', () => {
    expect(paymentRefSchema.safeParse('ok-ref').success).toBe(true);
    expect(paymentRefSchema.safeParse('').success).toBe(false);
    expect(paymentRefSchema.safeParse('bad\nref').success).toBe(false);
  });
});
