import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paymentKey, paymentStatuses, type Money } from '../../../src/domain/index.js';
import {
  fulfilmentDocumentOf,
  storedFulfilment,
  type FulfilmentView,
} from '../../../src/projections/fulfilmentsProjection.js';

const requested = '2026-09-01T05:51:24.797Z';
const anInstant = fc.constantFrom(
  requested,
  '2026-09-01T05:52:00.000Z',
  '2026-09-02T10:00:00.001Z',
);
const aStatus = fc.constantFrom(...paymentStatuses);
const aMoney: fc.Arbitrary<Money | null> = fc.option(
  fc.record({ minor: fc.nat(), currency: fc.constantFrom('USD', 'TWD') }),
);

/** Any view, its instants drawn from a few so that they often coincide, as they do in life. */
const aView: fc.Arbitrary<FulfilmentView> = fc.record({
  id: fc.string(),
  // Refs and keys may hold `#`, which also separates them in the row's id.
  payment: fc.record({
    provider: fc.constantFrom('kkiapay', 'kraken-embed'),
    ref: fc.string({ minLength: 1 }),
  }),
  key: fc.string(),
  from: aStatus,
  to: aStatus,
  amount: aMoney,
  orderId: fc.option(fc.string()),
  status: fc.constantFrom('requested', 'delivered', 'exhausted'),
  attempts: fc.nat(),
  nextAttemptAt: fc.option(anInstant),
  lastError: fc.option(fc.string()),
  requestedAt: anInstant,
  deliveredAt: fc.option(anInstant),
  updatedAt: anInstant,
  revision: fc.nat(),
});

const rowIdOf = (view: FulfilmentView) => `${paymentKey(view.payment)}#${view.key}`;

const throughJson = (document: unknown) => JSON.parse(JSON.stringify(document)) as unknown;

describe("a fulfilment's stored document", () => {
  it('gives back every field of any view, through JSON, given its row id', () => {
    fc.assert(
      fc.property(aView, (view) => {
        const document = throughJson(fulfilmentDocumentOf(view));
        expect(storedFulfilment(document, rowIdOf(view))).toEqual(view);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves out the payment and what a notification not yet attempted holds twice', () => {
    const view: FulfilmentView = {
      id: 'msg_1',
      payment: { provider: 'kkiapay', ref: 'pay#1' },
      key: 'success@pay#1:paid',
      from: 'pending',
      to: 'success',
      amount: { minor: 100, currency: 'USD' },
      orderId: 'order-1',
      status: 'requested',
      attempts: 0,
      nextAttemptAt: requested,
      lastError: null,
      requestedAt: requested,
      deliveredAt: null,
      updatedAt: requested,
      revision: 3,
    };
    const document = fulfilmentDocumentOf(view);
    for (const left of ['payment', 'nextAttemptAt', 'lastError', 'requestedAt', 'deliveredAt'])
      expect(document).not.toHaveProperty(left);
    expect(storedFulfilment(throughJson(document), rowIdOf(view))).toEqual(view);
  });

  it('reads the whole views earlier payrecs wrote as they were', () => {
    const whole = {
      id: 'msg_2',
      payment: { provider: 'kkiapay', ref: 'pay_2' },
      key: 'failed@pay_2:x',
      from: 'pending',
      to: 'failed',
      amount: null,
      orderId: null,
      status: 'delivered',
      attempts: 2,
      nextAttemptAt: null,
      lastError: 'HTTP 503',
      requestedAt: requested,
      deliveredAt: '2026-09-02T10:00:00.001Z',
      updatedAt: '2026-09-02T10:00:00.001Z',
      revision: 5,
    };
    expect(storedFulfilment(whole, 'kkiapay/pay_2#failed@pay_2:x')).toEqual(whole);
  });
});
