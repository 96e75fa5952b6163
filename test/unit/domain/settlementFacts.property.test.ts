import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  evolveSettlementBasis,
  initialState,
  paymentStatuses,
  settlementFactsOf,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  type SettlementBasis,
  type Trust,
} from '../../../src/domain/index.js';
import { aRegistration, aReportCommand, usd } from '../../support/paymentBuilders.js';

const instant = (minute: number) =>
  new Date(Date.UTC(2026, 10, 24, 9, 0) + minute * 60_000).toISOString();

/** A step of a payment's life: a report (some with the provider's own time), or an operator. */
const stepArb = fc.oneof(
  fc
    .record({
      status: fc.option(fc.constantFrom(...paymentStatuses), { nil: null }),
      trust: fc.constantFrom<Trust>('authoritative', 'verified', 'hint'),
      key: fc.integer({ min: 0, max: 12 }),
      minor: fc.option(fc.constantFrom(10_000, 9_999, 12_500), { nil: undefined }),
      providerMinutesEarlier: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined }),
    })
    .map((report) => ({ kind: 'report' as const, ...report })),
  fc.constant({ kind: 'accept' as const }),
);

const historyArb = fc.record({
  registered: fc.option(fc.constantFrom(10_000, 12_500), { nil: null }),
  steps: fc.array(stepArb, { maxLength: 20 }),
});

/** Decides each step on the state so far, as the command handler does. */
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

const eventsOf = ({ registered, steps }: History) => {
  let state: PaymentState = initialState();
  const events: PaymentEvent[] = [];
  const apply = (command: PaymentCommand) => {
    for (const event of decide(command, state)) {
      events.push(event);
      state = evolve(state, event);
    }
  };
  if (registered !== null) {
    apply(aRegistration({ amount: usd(registered) }, { registeredAt: instant(0) }));
  }
  steps.forEach((step, index) => {
    const at = instant(10 + index);
    if (step.kind === 'accept') {
      const open =
        state.status === 'unknown'
          ? undefined
          : state.openDiscrepancies.find((candidate) => candidate.kind === 'amount-mismatch');
      if (open === undefined || state.status === 'unknown') return;
      apply({
        type: 'ResolveDiscrepancy',
        data: {
          payment: state.payment,
          discrepancyId: open.id,
          resolution: 'accepted-provider',
          actor: 'finance',
          note: 'the provider is right',
          at,
        },
      });
      return;
    }
    apply(
      aReportCommand(step.status, {
        key: `k${step.key}`,
        trust: step.trust,
        at,
        ...(step.minor === undefined ? {} : { amount: usd(step.minor) }),
        ...(step.providerMinutesEarlier === undefined
          ? {}
          : { report: { occurredAt: instant(10 + index - step.providerMinutesEarlier) } }),
      }),
    );
  });
  return { events, state };
};

describe('settlement facts', () => {
  it('kept by the read model’s narrow fold, equal those of the whole fold after every event', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { events } = eventsOf(history);
        let state: PaymentState = initialState();
        let basis: SettlementBasis | null = null;
        for (const event of events) {
          state = evolve(state, event);
          basis = evolveSettlementBasis(basis, event);
          if (state.status === 'unknown' || basis === null) {
            expect(basis === null && state.status === 'unknown').toBe(true);
            continue;
          }
          const { status, statusAt, amount } = basis;
          expect({ status, statusAt, amount }).toEqual(settlementFactsOf(state));
          expect(basis.createdAt).toBe(state.createdAt);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('count a status from the provider’s time, never later than payrec received it', () => {
    const { state } = eventsOf({
      registered: 10_000,
      steps: [
        {
          kind: 'report',
          status: 'success',
          trust: 'verified',
          key: 1,
          minor: 10_000,
          providerMinutesEarlier: 30,
        },
      ],
    });
    expect(state.status === 'unknown' ? null : settlementFactsOf(state)).toEqual({
      status: 'success',
      statusAt: instant(-20),
      amount: usd(10_000),
    });
  });
});
