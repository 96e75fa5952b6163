import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fulfilmentMessageId,
  paymentStreamName,
  type PaymentId,
} from '../../../src/domain/index.js';

/** The id as payrec computed it with Node's crypto before it moved into the domain. */
const asNodeComputesIt = (payment: PaymentId, key: string): string =>
  `msg_${createHash('sha256')
    .update(`${paymentStreamName(payment)}\n${key}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')}`;

describe('fulfilmentMessageId', () => {
  it('is msg_ and 22 base64url characters', () => {
    expect(fulfilmentMessageId({ provider: 'kkiapay', ref: 'tx-1' }, 'success@3')).toMatch(
      /^msg_[A-Za-z0-9_-]{22}$/,
    );
  });

  it('is the id every earlier release sent, for any payment and key (no receiver sees a new id)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay'),
        fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }),
        fc.string({ maxLength: 64, unit: 'grapheme' }),
        (provider, ref, key) => {
          const payment = { provider, ref } as PaymentId;
          expect(fulfilmentMessageId(payment, key)).toBe(asNodeComputesIt(payment, key));
        },
      ),
      { numRuns: 500 },
    );
  });
});
