import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  initialState,
  operatorResolutions,
  type Money,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  type PaymentStatus,
} from '../../../src/domain/index.js';
import { aPaymentId, aRegistration, aReportCommand, usd } from '../../support/paymentBuilders.js';

const payment = aPaymentId();

/** One step of the world: the provider reports (by webhook or poll), or a person resolves. */
type Step =
  | Readonly<{
      kind: 'report';
      status: PaymentStatus;
      amount: Money;
      trust: 'authoritative' | 'verified';
    }>
  | Readonly<{ kind: 'resolve'; resolution: (typeof operatorResolutions)[number] }>;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('report' as const),
    status: fc.constantFrom<PaymentStatus>('pending', 'success'),
    amount: fc.constantFrom(usd(10_000), usd(9_999), usd(9_000), {
      minor: 10_000,
      currency: 'EUR',
    }),
    trust: fc.constantFrom('authoritative' as const, 'verified' as const),
  }),
  fc.record({
    kind: fc.constant('resolve' as const),
    resolution: fc.constantFrom(...operatorResolutions),
  }),
);

/** Runs the steps; returns every event with the state it left, and the commands' facts. */
const run = (steps: readonly Step[]) => {
  let state: PaymentState = initialState();
  const events: PaymentEvent[] = [];
  const apply = (command: PaymentCommand) => {
    for (const event of decide(command, state)) {
      events.push(event);
      state = evolve(state, event);
    }
  };
  apply(aRegistration({ amount: usd(10_000) }));
  steps.forEach((step, index) => {
    if (step.kind === 'report') {
      apply(
        aReportCommand(step.status, {
          key: `report-${index}`,
          trust: step.trust,
          amount: step.amount,
          at: new Date(Date.UTC(2026, 10, 24, 10, index)).toISOString(),
        }),
      );
      return;
    }
    const open = state.status === 'unknown' ? undefined : state.openDiscrepancies[0];
    if (open === undefined) return;
    apply({
      type: 'ResolveDiscrepancy',
      data: {
        payment,
        discrepancyId: open.id,
        resolution: step.resolution,
        actor: 'finance',
        note: 'decided',
        at: new Date(Date.UTC(2026, 10, 24, 10, index, 30)).toISOString(),
      },
    });
  });
  return { events, state };
};

describe('a person’s decision sticks (property)', () => {
  it('no difference a person resolved opens again without a different figure', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 25 }), (steps) => {
        const { events } = run(steps);
        const resolved = new Set<string>();
        for (const event of events) {
          if (event.type === 'DiscrepancyResolved' && event.data.actor !== undefined) {
            resolved.add(event.data.discrepancyId);
          }
          // Ids are made of both figures: the same id is the same difference.
          if (event.type === 'DiscrepancyDetected') {
            expect(resolved.has(event.data.discrepancy.id)).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a payment whose mismatch was accepted ends in the provider’s status, at the provider’s figure', () => {
    // A provider consistent with itself: one figure, and a status that only moves forward.
    const worldArb = fc.record({
      figure: fc.constantFrom(usd(9_999), usd(9_000), { minor: 10_000, currency: 'EUR' }),
      steps: fc.array(
        fc.oneof(
          fc.record({
            kind: fc.constant('report' as const),
            advances: fc.boolean(),
            trust: fc.constantFrom('authoritative' as const, 'verified' as const),
          }),
          fc.record({
            kind: fc.constant('resolve' as const),
            resolution: fc.constantFrom(...operatorResolutions),
          }),
        ),
        { maxLength: 20 },
      ),
    });
    let judged = 0;
    fc.assert(
      fc.property(worldArb, ({ figure, steps }) => {
        const provider = { succeeded: false };
        const world: Step[] = steps.map((step) => {
          if (step.kind === 'resolve') return step;
          provider.succeeded ||= step.advances;
          return {
            kind: 'report',
            status: provider.succeeded ? 'success' : 'pending',
            amount: figure,
            trust: step.trust,
          };
        });
        const { events, state } = run(world);
        if (state.status === 'unknown') return;
        if (!events.some((event) => event.type === 'ProviderAmountAccepted')) return;
        judged += 1;
        expect(state.expected?.amount).toEqual(figure);
        expect(state.status).toBe(provider.succeeded ? 'success' : 'pending');
      }),
      { numRuns: 500 },
    );
    // Not vacuous: many generated histories accept the provider's figure.
    expect(judged).toBeGreaterThan(20);
  });

  it('accepting the provider always leaves its figure as the payment’s and applies a held-back success', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(usd(9_999), usd(9_000), { minor: 10_000, currency: 'EUR' }),
        fc.constantFrom('authoritative' as const, 'verified' as const),
        (amount, trust) => {
          const { state } = run([
            { kind: 'report', status: 'success', amount, trust },
            { kind: 'resolve', resolution: 'accepted-provider' },
          ]);
          expect(state).toMatchObject({ status: 'success', expected: { amount } });
        },
      ),
    );
  });
});
