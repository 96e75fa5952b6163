import { describe, expect, it } from 'vitest';
import {
  paymentFromKey,
  paymentIdFromStreamName,
  paymentKey,
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

  it('refuses other streams, and names that are not a provider name', () => {
    expect(paymentIdFromStreamName('delivery-123')).toBeNull();
    expect(paymentIdFromStreamName('payment-Stripe/abc')).toBeNull();
    expect(paymentIdFromStreamName('payment-/abc')).toBeNull();
    expect(paymentIdFromStreamName('payment-kkiapay/')).toBeNull();
  });

  it('leave the list of providers to the provider modules: any provider name parses', () => {
    expect(paymentIdFromStreamName('payment-acme-pay/abc')).toEqual({
      provider: 'acme-pay',
      ref: 'abc',
    });
  });

  it('share one key, provider/ref, with the read models and the delivery log', () => {
    const id = { provider: 'kkiapay', ref: 'T/1' };
    expect(paymentKey(id)).toBe('kkiapay/T/1');
    expect(paymentFromKey(paymentKey(id))).toEqual(id);
    expect(paymentFromKey('no-slash')).toBeNull();
  });

  it('refuses references with control characters or no characters', () => {
    expect(paymentRefSchema.safeParse('ok-ref').success).toBe(true);
    expect(paymentRefSchema.safeParse('').success).toBe(false);
    expect(paymentRefSchema.safeParse('bad\nref').success).toBe(false);
  });
});
