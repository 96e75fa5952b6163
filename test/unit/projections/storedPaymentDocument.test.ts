import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  initialState,
  paymentStatuses,
  type KnownPayment,
  type PaymentCommand,
  type PaymentState,
  type PaymentStatus,
  type Trust,
} from '../../../src/domain/index.js';
import { createPaymentsProjection, storedPayment } from '../../../src/projections/index.js';
import { aRegistration, aReportCommand, usd } from '../../support/paymentBuilders.js';

const projection = createPaymentsProjection(() => true);

/** What the read model must give back for a state: all of it but the delivery keys seen. */
const asStored = (state: KnownPayment, version: number) => {
  const { seenDeliveryKeys: _seen, ...rest } = state;
  return { ...rest, version };
};

/**
 * Folds commands through the domain, and each event through the payments projection with its
 * document written to JSON and read back, as the store does between events.
 */
const foldBoth = (commands: readonly PaymentCommand[]) => {
  let state: PaymentState = initialState();
  let document: unknown = null;
  let revision = -1;
  const pairs: Array<{ state: KnownPayment; document: unknown; revision: number }> = [];
  for (const command of commands) {
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      revision += 1;
      const next = projection.evolve(document as never, {
        event: event,
        payment: command.data.payment,
        revision,
        globalPosition: BigInt(revision),
        recordedAt: '2026-11-24T10:00:00.000Z',
      });
      if (next !== null) document = JSON.parse(JSON.stringify(next.document)) as unknown;
      if (state.status !== 'unknown') pairs.push({ state, document, revision });
    }
  }
  return pairs;
};

const trustArb = fc.constantFrom<Trust>('authoritative', 'verified', 'hint');
const statusArb = fc.constantFrom<PaymentStatus>(...paymentStatuses);
const orderIdArb = fc.option(fc.constantFrom('order-42', 'order-43'), { nil: undefined });
const historyArb = fc
  .tuple(
    fc.option(fc.record({ orderId: orderIdArb, withAmount: fc.boolean() }), { nil: null }),
    fc.array(
      fc.record({
        status: fc.option(statusArb, { nil: null }),
        trust: trustArb,
        key: fc.integer({ min: 0, max: 8 }),
        minor: fc.option(fc.constantFrom(10_000, 9_999), { nil: undefined }),
        orderId: orderIdArb,
        second: fc.integer({ min: 0, max: 59 }),
      }),
      { maxLength: 20 },
    ),
  )
  .map(([registration, reports]): PaymentCommand[] => [
    ...(registration === null
      ? []
      : [
          aRegistration({
            ...(registration.withAmount ? { amount: usd(10_000) } : {}),
            ...(registration.orderId === undefined ? {} : { orderId: registration.orderId }),
          }),
        ]),
    ...reports.map(({ status, trust, key, minor, orderId, second }) =>
      aReportCommand(status, {
        key: `k${key}`,
        trust,
        ...(minor === undefined ? {} : { amount: usd(minor) }),
        ...(orderId === undefined ? {} : { report: { orderId } }),
        at: `2026-11-24T10:00:${String(second).padStart(2, '0')}.000Z`,
      }),
    ),
  ]);

describe('the payments read model’s stored document', () => {
  it('gives back, after every event, the state the domain folds (less the delivery keys seen)', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const { state, document, revision } of foldBoth(commands)) {
          expect(storedPayment(document, state.payment)).toEqual(asStored(state, revision));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('leaves out what a payment reported once holds at its starting value or holds twice, and its payment', () => {
    const reported = foldBoth([
      aRegistration({ amount: usd(10_000), orderId: 'order-42' }),
      aReportCommand('success', { key: 'paid', amount: usd(10_000) }),
    ]).at(-1);
    const written = reported?.document as Record<string, unknown>;
    expect(reported?.state.status).toBe('success');
    for (const left of ['seenDeliveryKeys', 'openDiscrepancies', 'hintClaim', 'checks'])
      expect(written).not.toHaveProperty(left);
    expect(written).toHaveProperty('firstEvidence');
    expect(written).not.toHaveProperty('lastEvidence');
    expect(written).not.toHaveProperty('statusOrigin');
    expect(written).not.toHaveProperty('payment');
    expect(written).not.toHaveProperty('orderId');
    expect(written['reportedAmount']).toEqual({});
    const stored = reported === undefined ? null : storedPayment(written, reported.state.payment);
    expect(stored?.lastEvidence).toEqual(reported?.state.lastEvidence);
    expect(stored?.statusOrigin).toEqual(reported?.state.statusOrigin);
    expect(stored?.orderId).toBe('order-42');
    expect(stored?.reportedAmount).toEqual({ amount: usd(10_000), deliveryKey: 'paid' });
  });

  it('reads the whole states earlier payrecs wrote as they were', () => {
    const [last] = foldBoth([
      aRegistration({ amount: usd(10_000), orderId: 'order-42' }),
      aReportCommand('success', { key: 'paid', amount: usd(10_000) }),
      aReportCommand('refunded', { key: 'refund', amount: usd(10_000) }),
    ]).slice(-1);
    if (last === undefined) throw new Error('no state');
    const wholeState = JSON.parse(
      JSON.stringify({
        ...last.state,
        seenDeliveryKeys: [...last.state.seenDeliveryKeys],
        version: last.revision,
      }),
    ) as unknown;
    const elsewhere = { provider: 'kkiapay', ref: 'not-this-one' };
    expect(storedPayment(wholeState, elsewhere)).toMatchObject(asStored(last.state, last.revision));
  });
});
