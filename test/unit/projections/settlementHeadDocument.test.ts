import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paymentStatuses, type Money } from '../../../src/domain/index.js';
import {
  settlementHeadDocumentOf,
  settlementHeadOf,
  type SettlementHead,
} from '../../../src/projections/settlementHeadDocument.js';

const created = '2026-09-01T00:00:00.000Z';
const paid = '2026-09-01T05:51:24.797Z';
const anInstant = fc.constantFrom(created, paid, '2026-09-02T10:00:00.001Z');
const aStatus = fc.constantFrom(...paymentStatuses);
/** Few values, so that the amounts and instants a head holds often coincide, as they do in life. */
const aMoney: fc.Arbitrary<Money | null> = fc.option(
  fc.record({ minor: fc.constantFrom(0, 100, 4_378_634), currency: fc.constantFrom('USD', 'TWD') }),
  { freq: 4 },
);

const aHead: fc.Arbitrary<SettlementHead> = fc.record({
  payment: fc.record({ provider: fc.constantFrom('kkiapay', 'kryptogo'), ref: fc.string() }),
  validFrom: anInstant,
  validTo: fc.option(anInstant),
  fromStatus: fc.option(aStatus),
  eventType: fc.constantFrom('PaymentRegistered', 'PaymentStatusChanged'),
  revision: fc.nat(),
  status: aStatus,
  statusAt: anInstant,
  amount: aMoney,
  createdAt: anInstant,
  expectedAmount: aMoney,
  reportedAmount: aMoney,
});

/** The document as the store gives it back: written to JSON and read again. */
const throughJson = (document: unknown) =>
  JSON.parse(JSON.stringify(document)) as Record<string, unknown>;

describe("a settlement head's document", () => {
  it('gives back every field of any head, through JSON, given its payment', () => {
    fc.assert(
      fc.property(aHead, (head) => {
        const document = throughJson(settlementHeadDocumentOf(head));
        expect(settlementHeadOf(document, head.payment)).toEqual(head);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves out what the row and its other fields say, in the usual case', () => {
    const usd = { minor: 100, currency: 'USD' };
    const document = settlementHeadDocumentOf({
      payment: { provider: 'kkiapay', ref: 'pay_1' },
      validFrom: paid,
      validTo: null,
      fromStatus: 'pending',
      eventType: 'PaymentStatusChanged',
      revision: 2,
      status: 'success',
      statusAt: paid,
      amount: usd,
      createdAt: created,
      expectedAmount: usd,
      reportedAmount: { ...usd },
    });
    expect(Object.keys(document).sort()).toEqual([
      'createdAt',
      'eventType',
      'expectedAmount',
      'fromStatus',
      'revision',
      'status',
      'validFrom',
    ]);
  });
});
