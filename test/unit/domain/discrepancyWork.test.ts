import { describe, expect, it } from 'vitest';
import {
  decide,
  foldPayment,
  type KnownPayment,
  type OperatorResolution,
  type PaymentCommand,
  type PaymentEvent,
} from '../../../src/domain/index.js';
import {
  aPaymentId,
  aRegistration,
  aReportCommand,
  historyOf,
  usd,
} from '../../support/paymentBuilders.js';

const payment = aPaymentId();
const shortPaid = aReportCommand('success', { key: 'short', amount: usd(9_999) });
const mismatchId = 'amount-mismatch:USD 100.00->USD 99.99';
const withMismatch = () => historyOf(aRegistration(), shortPaid);

const known = (events: PaymentEvent[]): KnownPayment => {
  const state = foldPayment(events);
  if (state.status === 'unknown') throw new Error('expected a known payment');
  return state;
};

const decided = (history: PaymentEvent[], command: PaymentCommand) =>
  decide(command, foldPayment(history));

const acknowledge = (note = 'looking into it'): PaymentCommand => ({
  type: 'AcknowledgeDiscrepancy',
  data: {
    payment,
    discrepancyId: mismatchId,
    actor: 'alice',
    note,
    at: '2026-11-24T11:00:00.000Z',
  },
});

const resolve = (
  discrepancyId = mismatchId,
  resolution: OperatorResolution = 'accepted-provider',
): PaymentCommand => ({
  type: 'ResolveDiscrepancy',
  data: {
    payment,
    discrepancyId,
    resolution,
    actor: 'bob',
    note: 'customer paid 99.99 by agreement',
    at: '2026-11-24T12:00:00.000Z',
  },
});

describe('a person works a discrepancy', () => {
  it('acknowledges an open one with a note, naming who did, and it stays open', () => {
    const history = withMismatch();
    const events = decided(history, acknowledge());
    expect(events).toEqual([
      {
        type: 'DiscrepancyAcknowledged',
        data: {
          payment,
          discrepancyId: mismatchId,
          actor: 'alice',
          note: 'looking into it',
          acknowledgedAt: '2026-11-24T11:00:00.000Z',
        },
      },
    ]);
    const open = known([...history, ...events]).openDiscrepancies;
    expect(open).toMatchObject([
      { id: mismatchId, acknowledged: { actor: 'alice', note: 'looking into it' } },
    ]);
  });

  it('resolves an open one with a resolution and a note, and it is no longer open', () => {
    const history = withMismatch();
    const events = decided(history, resolve(mismatchId, 'written-off'));
    expect(events).toEqual([
      {
        type: 'DiscrepancyResolved',
        data: {
          payment,
          discrepancyId: mismatchId,
          resolution: 'written-off',
          deliveryKey: null,
          resolvedAt: '2026-11-24T12:00:00.000Z',
          actor: 'bob',
          note: 'customer paid 99.99 by agreement',
        },
      },
    ]);
    expect(known([...history, ...events]).openDiscrepancies).toEqual([]);
  });

  it('decides nothing for a resolved or unknown discrepancy', () => {
    const history = withMismatch();
    const resolved = [...history, ...decided(history, resolve())];
    expect(decided(resolved, resolve())).toEqual([]);
    expect(decided(resolved, acknowledge())).toEqual([]);
    expect(decided(history, resolve('status-contradiction:success->failed'))).toEqual([]);
  });

  it('accepts the provider’s figure: the amount becomes the payment’s, and the held-back success applies with its fulfilment', () => {
    const history = withMismatch();
    expect(known(history).status).toBe('pending');
    const events = decided(history, resolve());
    expect(events.map((event) => event.type)).toEqual([
      'DiscrepancyResolved',
      'ProviderAmountAccepted',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
    expect(events[1]).toEqual({
      type: 'ProviderAmountAccepted',
      data: {
        payment,
        from: usd(10_000),
        to: usd(9_999),
        discrepancyId: mismatchId,
        actor: 'bob',
        note: 'customer paid 99.99 by agreement',
        acceptedAt: '2026-11-24T12:00:00.000Z',
      },
    });
    // Counted on the day the provider's success arrived, recorded when the person decided.
    expect(events[2]).toMatchObject({
      data: {
        from: 'pending',
        to: 'success',
        deliveryKey: 'short',
        changedAt: '2026-11-24T12:00:00.000Z',
        providerAt: '2026-11-24T10:00:00.000Z',
      },
    });
    expect(events[3]).toMatchObject({ data: { to: 'success', amount: usd(9_999) } });
    const after = known([...history, ...events]);
    expect(after).toMatchObject({ status: 'success', expected: { amount: usd(9_999) } });
    // The next poll of the same figure agrees: nothing opens again.
    const polled = decided(
      [...history, ...events],
      aReportCommand('success', { key: 'poll-2', trust: 'authoritative', amount: usd(9_999) }),
    );
    expect(polled.map((event) => event.type)).toEqual(['ProviderReportRecorded']);
  });

  it('never reopens a resolved difference for the same figure reported again', () => {
    for (const resolution of ['written-off', 'refunded-outside', 'other'] as const) {
      const history = withMismatch();
      const resolved = [...history, ...decided(history, resolve(mismatchId, resolution))];
      const again = aReportCommand('success', {
        key: 'short-again',
        trust: 'authoritative',
        amount: usd(9_999),
      });
      const events = decided(resolved, again);
      expect(
        events.map((event) => event.type),
        resolution,
      ).toEqual(['ProviderReportRecorded']);
      expect(known([...resolved, ...events]).status, resolution).toBe('pending');
    }
  });

  it('opens one again for a different figure, saying it was resolved before, by whom, and what changed', () => {
    const history = withMismatch();
    const resolved = [...history, ...decided(history, resolve(mismatchId, 'written-off'))];
    const different = aReportCommand('success', {
      key: 'short-more',
      trust: 'authoritative',
      amount: usd(9_000),
    });
    const events = decided(resolved, different);
    expect(events.find((event) => event.type === 'DiscrepancyDetected')).toMatchObject({
      data: {
        discrepancy: {
          id: 'amount-mismatch:USD 100.00->USD 90.00',
          theirs: 'USD 90.00',
          previouslyResolved: {
            discrepancyId: mismatchId,
            theirs: 'USD 99.99',
            resolution: 'written-off',
            actor: 'bob',
            resolvedAt: '2026-11-24T12:00:00.000Z',
          },
        },
      },
    });
  });

  it('does not reopen an overdue payment a person resolved when the poller finds it still open', () => {
    const registration = aRegistration({ expiresAt: '2026-11-24T10:00:00.000Z' });
    const flag = (at: string): PaymentCommand => ({
      type: 'FlagIfOverdue',
      data: { payment, at },
    });
    const overdue = historyOf(registration, flag('2026-11-24T10:05:00.000Z'));
    const [opened] = known(overdue).openDiscrepancies;
    expect(opened?.kind).toBe('overdue');
    const resolved = [...overdue, ...decided(overdue, resolve(opened?.id))];
    expect(decided(resolved, flag('2026-11-24T11:05:00.000Z'))).toEqual([]);
  });
});

describe('a hint the status endpoint denies', () => {
  const hint = aReportCommand('success', { key: 'kkiapay-hint', trust: 'hint' });

  it('opens a contradicted-hint discrepancy naming the hint and the check', () => {
    const history = historyOf(aRegistration(), hint);
    const check = aReportCommand('failed', { key: 'poll-1', trust: 'authoritative' });
    const events = decided(history, check);
    expect(events[0]).toMatchObject({
      type: 'ProviderReportRecorded',
      data: {
        judgement: { effect: 'contradicted', discrepancyId: 'contradicted-hint:success->failed' },
      },
    });
    expect(events.find((event) => event.type === 'DiscrepancyDetected')).toMatchObject({
      data: {
        discrepancy: {
          kind: 'contradicted-hint',
          ours: 'success',
          theirs: 'failed',
          deliveryKey: 'poll-1',
          ourDeliveryKey: 'kkiapay-hint',
        },
      },
    });
    // The status endpoint is still the truth: the payment fails.
    expect(known([...history, ...events]).status).toBe('failed');
  });

  it('waits while the status endpoint still says pending, then judges the claim', () => {
    const history = historyOf(
      aRegistration(),
      hint,
      aReportCommand('pending', { key: 'poll-1', trust: 'authoritative' }),
    );
    expect(known(history).hintClaim).toMatchObject({ status: 'success' });
    const confirmed = decided(
      history,
      aReportCommand('success', { key: 'poll-2', trust: 'authoritative', amount: usd(10_000) }),
    );
    expect(confirmed[0]).toMatchObject({ data: { judgement: { effect: 'confirmed' } } });
    expect(confirmed.some((event) => event.type === 'DiscrepancyDetected')).toBe(false);
    expect(known([...history, ...confirmed]).hintClaim).toBeNull();
  });

  // Found by the simulation (seed 977734): a lying KKiaPay success and the genuine failure both
  // arrived before the check; the check confirmed the failure and the lie went unflagged.
  it('judges every hint still unconfirmed, not only the last: a denied earlier one is flagged', () => {
    const lie = aReportCommand('success', { key: 'lying-hint', trust: 'hint' });
    const genuine = aReportCommand('failed', { key: 'genuine-hint', trust: 'hint' });
    const history = historyOf(aRegistration(), lie, genuine);
    const events = decided(
      history,
      aReportCommand('failed', { key: 'poll-1', trust: 'authoritative' }),
    );
    expect(
      events.filter((event) => event.type === 'DiscrepancyDetected').map((event) => event.data),
    ).toMatchObject([
      {
        discrepancy: {
          kind: 'contradicted-hint',
          ours: 'success',
          theirs: 'failed',
          deliveryKey: 'poll-1',
          ourDeliveryKey: 'lying-hint',
        },
      },
    ]);
    const after = known([...history, ...events]);
    expect(after.status).toBe('failed');
    expect(after.hintClaim).toBeNull();
    expect(after.earlierHintClaims ?? []).toEqual([]);
  });

  it('keeps an earlier claim the check cannot judge yet beside the later one', () => {
    const refund = aReportCommand('refunded', { key: 'refund-hint', trust: 'hint' });
    const failure = aReportCommand('failed', { key: 'failure-hint', trust: 'hint' });
    const history = historyOf(aRegistration(), refund, failure);
    // `pending` judges neither: both stand.
    const stillPending = decided(
      history,
      aReportCommand('pending', { key: 'poll-1', trust: 'authoritative' }),
    );
    const state = known([...history, ...stillPending]);
    expect(state.hintClaim).toMatchObject({ status: 'failed' });
    expect(state.earlierHintClaims).toMatchObject([{ status: 'refunded' }]);
  });

  it('takes a status past the claimed one as confirming it, and one before it as undecided', () => {
    const refundClaim = aReportCommand('refunded', { key: 'refund-hint', trust: 'hint' });
    const history = historyOf(aRegistration(), refundClaim);
    const stillPaid = decided(
      history,
      aReportCommand('success', { key: 'poll-1', trust: 'authoritative', amount: usd(10_000) }),
    );
    expect(stillPaid.some((event) => event.type === 'DiscrepancyDetected')).toBe(false);
    expect(known([...history, ...stillPaid]).hintClaim).toMatchObject({ status: 'refunded' });

    const successClaim = historyOf(aRegistration(), hint);
    const sinceRefunded = decided(
      successClaim,
      aReportCommand('refunded', { key: 'poll-2', trust: 'authoritative', amount: usd(10_000) }),
    );
    expect(sinceRefunded.some((event) => event.type === 'DiscrepancyDetected')).toBe(false);
    expect(known([...successClaim, ...sinceRefunded]).hintClaim).toBeNull();
  });

  it('judges the hint itself as awaiting confirmation', () => {
    const events = decided(historyOf(aRegistration()), hint);
    expect(events).toMatchObject([
      { type: 'ProviderReportRecorded', data: { judgement: { effect: 'awaiting-confirmation' } } },
    ]);
  });
});
