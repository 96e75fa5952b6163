import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  initialState,
  paymentStatuses,
  type PaymentEvent,
  type PaymentState,
  type PaymentStatus,
  type RecordProviderReport,
  type Trust,
} from '../../../src/domain/index.js';
import { aRegistration, aReportCommand, usd } from '../../support/paymentBuilders.js';

/** Runs commands through decide and evolve, as the command handler does. */
const run = (commands: readonly RecordProviderReport[], start: PaymentState = initialState()) => {
  let state = start;
  const events: PaymentEvent[] = [];
  const statuses: Array<PaymentState['status']> = [];
  for (const command of commands) {
    for (const event of decide(command, state)) {
      events.push(event);
      state = evolve(state, event);
    }
    statuses.push(state.status);
  }
  return { state, events, statuses };
};

/** What must not depend on the order reports arrive in. */
const summary = (state: PaymentState) =>
  state.status === 'unknown'
    ? { status: 'unknown' }
    : {
        status: state.status,
        discrepancies: state.openDiscrepancies.map((open) => open.id).sort(),
        seen: [...state.seenDeliveryKeys].sort(),
      };

const unknownPayment = run([]).state;
const withRegistration = (() => {
  let state = initialState();
  for (const event of decide(aRegistration({ amount: usd(10_000) }), state))
    state = evolve(state, event);
  return state;
})();

const verified: Trust = 'verified';
const trustArb = fc.constantFrom<Trust>('authoritative', 'verified', 'hint');
const statusArb = fc.constantFrom<PaymentStatus>(...paymentStatuses);

/** The lifecycles a real payment can have: every status on the path is consistent with the last. */
const lifecycleArb = fc.constantFrom<PaymentStatus[]>(
  ['pending', 'success'],
  ['pending', 'success', 'refunded'],
  ['pending', 'failed'],
  ['pending', 'expired'],
  ['pending', 'cancelled'],
);

/** Reports of one lifecycle, each status at least once, with repeats under the same key. */
const consistentReportsArb = lifecycleArb.chain((lifecycle) =>
  fc
    .array(
      fc.record({
        status: fc.constantFrom(...lifecycle),
        trust: trustArb,
        key: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 12 },
    )
    .map((extra): Array<{ status: PaymentStatus; trust: Trust; key: number }> => [
      ...lifecycle.map((status, index) => ({
        status,
        trust: verified,
        key: 100 + index,
      })),
      ...extra,
    ])
    .map((reports) =>
      reports.map(({ status, trust, key }) =>
        aReportCommand(status, { key: `k${key}-${status}-${trust}`, trust, amount: usd(10_000) }),
      ),
    )
    .chain((commands) =>
      fc.tuple(
        fc.constant(commands),
        fc.shuffledSubarray(commands, { minLength: commands.length }),
      ),
    ),
);

const anyReportsArb = fc
  .array(
    fc.record({
      status: fc.option(statusArb, { nil: null }),
      trust: trustArb,
      key: fc.integer({ min: 0, max: 15 }),
      minor: fc.constantFrom(10_000, 9_999),
    }),
    { maxLength: 25 },
  )
  .map((reports) =>
    reports.map(({ status, trust, key, minor }) =>
      aReportCommand(status, { key: `k${key}`, trust, amount: usd(minor) }),
    ),
  );

describe('payment decider properties', () => {
  it('ends in the same state whatever the order and duplication of one lifecycle’s reports', () => {
    fc.assert(
      fc.property(consistentReportsArb, ([inOrder, shuffled]) => {
        for (const start of [unknownPayment, withRegistration]) {
          expect(summary(run(shuffled, start).state)).toEqual(summary(run(inOrder, start).state));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never returns a payment to pending once it reached a terminal state', () => {
    fc.assert(
      fc.property(anyReportsArb, (commands) => {
        for (const start of [unknownPayment, withRegistration]) {
          const { statuses } = run(commands, start);
          const firstTerminal = statuses.findIndex(
            (status) => status !== 'pending' && status !== 'unknown',
          );
          if (firstTerminal >= 0) expect(statuses.slice(firstTerminal)).not.toContain('pending');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decides the same events when every report is delivered twice as when it is delivered once', () => {
    fc.assert(
      fc.property(anyReportsArb, (commands) => {
        const twice = commands.flatMap((command) => [command, command]);
        expect(run(twice, withRegistration).events).toEqual(run(commands, withRegistration).events);
      }),
      { numRuns: 500 },
    );
  });

  it('always ends in one of the six statuses with distinct open discrepancies', () => {
    fc.assert(
      fc.property(anyReportsArb, (commands) => {
        const { state } = run(commands, withRegistration);
        if (state.status === 'unknown') throw new Error('a registered payment is known');
        expect(paymentStatuses).toContain(state.status);
        const ids = state.openDiscrepancies.map((open) => open.id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 500 },
    );
  });

  it('moves only on trusted reports: hints alone never change the status', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { maxLength: 10 }), (statuses) => {
        const hints = statuses.map((status, index) =>
          aReportCommand(status, { key: `h${index}`, trust: 'hint' }),
        );
        expect(run(hints, withRegistration).state.status).toBe('pending');
      }),
    );
  });
});
