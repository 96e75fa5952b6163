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
const historyArb = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.record({
        status: fc.option(statusArb, { nil: null }),
        trust: trustArb,
        key: fc.integer({ min: 0, max: 8 }),
        minor: fc.constantFrom(10_000, 9_999),
        second: fc.integer({ min: 0, max: 59 }),
      }),
      { maxLength: 20 },
    ),
  )
  .map(([registered, reports]): PaymentCommand[] => [
    ...(registered ? [aRegistration({ amount: usd(10_000), orderId: 'order-42' })] : []),
    ...reports.map(({ status, trust, key, minor, second }) =>
      aReportCommand(status, {
        key: `k${key}`,
        trust,
        amount: usd(minor),
        at: `2026-11-24T10:00:${String(second).padStart(2, '0')}.000Z`,
      }),
    ),
  ]);

describe('the payments read model’s stored document', () => {
  it('gives back, after every event, the state the domain folds (less the delivery keys seen)', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const { state, document, revision } of foldBoth(commands)) {
          expect(storedPayment(document)).toEqual(asStored(state, revision));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('leaves out what a payment reported once holds at its starting value or holds twice', () => {
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
    expect(storedPayment(written)?.lastEvidence).toEqual(reported?.state.lastEvidence);
    expect(storedPayment(written)?.statusOrigin).toEqual(reported?.state.statusOrigin);
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
    expect(storedPayment(wholeState)).toMatchObject(asStored(last.state, last.revision));
  });
});
