import { describe, expect, it } from 'vitest';
import { foldPayment, paymentDecider, type PaymentEvent } from '../../../src/domain/index.js';
import { deciderSpecification } from '../../support/deciderSpecification.js';
import {
  aPaymentId,
  aRegistration,
  aReportCommand,
  historyOf,
  usd,
} from '../../support/paymentBuilders.js';

const spec = deciderSpecification(paymentDecider);
const payment = aPaymentId();

const recorded = (command: ReturnType<typeof aReportCommand>): PaymentEvent => ({
  type: 'ProviderReportRecorded',
  data: command.data,
});

describe('decide: registering an expected payment', () => {
  it('registers a payment payrec has never heard of', () => {
    const command = aRegistration();
    spec.given().when(command).then({ type: 'PaymentRegistered', data: command.data });
  });

  it('decides nothing when the identical registration is repeated', () => {
    spec
      .given(...historyOf(aRegistration()))
      .when(aRegistration())
      .thenNothingHappened();
  });

  it('decides nothing for a conflicting registration (the API answers 409)', () => {
    spec
      .given(...historyOf(aRegistration()))
      .when(aRegistration({ amount: usd(99) }))
      .thenNothingHappened();
  });

  it('registers a payment first seen through a report, flagging an amount that already disagrees', () => {
    const report = aReportCommand('pending', { key: 'early', amount: usd(5_000) });
    const registration = aRegistration({ amount: usd(10_000) });
    spec
      .given(...historyOf(report))
      .when(registration)
      .then(
        { type: 'PaymentRegistered', data: registration.data },
        {
          type: 'DiscrepancyDetected',
          data: {
            payment,
            discrepancy: {
              id: 'amount-mismatch:USD 100.00->USD 50.00',
              kind: 'amount-mismatch',
              ours: 'USD 100.00',
              theirs: 'USD 50.00',
              deliveryKey: 'early',
              ourDeliveryKey: null,
            },
            detectedAt: registration.data.registeredAt,
          },
        },
      );
  });
});

describe('decide: recording a report', () => {
  it('records the evidence and moves a new payment from pending to success', () => {
    const command = aReportCommand('success', { key: 'k1' });
    spec
      .given()
      .when(command)
      .then(recorded(command), {
        type: 'PaymentStatusChanged',
        data: {
          payment,
          from: 'pending',
          to: 'success',
          deliveryKey: 'k1',
          channel: 'webhook',
          changedAt: command.data.evidence.receivedAt,
        },
      });
  });

  it.each(['failed', 'expired', 'cancelled', 'refunded'] as const)(
    'moves pending to the terminal status %s',
    (to) => {
      const command = aReportCommand(to);
      const events = spec
        .given(...historyOf(aRegistration()))
        .when(command)
        .events();
      expect(events.map((event) => event.type)).toEqual([
        'ProviderReportRecorded',
        'PaymentStatusChanged',
      ]);
      expect(events[1]).toMatchObject({ data: { from: 'pending', to } });
    },
  );

  it('moves success on to refunded', () => {
    const events = spec
      .given(...historyOf(aReportCommand('success')))
      .when(aReportCommand('refunded'))
      .events();
    expect(events[1]).toMatchObject({
      type: 'PaymentStatusChanged',
      data: { from: 'success', to: 'refunded' },
    });
  });

  it('decides nothing for a repeated delivery, whatever changed since', () => {
    const first = aReportCommand('success', { key: 'same' });
    spec
      .given(...historyOf(first, aReportCommand('refunded', { key: 'later' })))
      .when(first)
      .thenNothingHappened();
  });

  it('records an unknown provider value as evidence and moves nothing', () => {
    const command = aReportCommand(null, { report: { providerStatus: 'partially_settled' } });
    spec
      .given(...historyOf(aRegistration()))
      .when(command)
      .then(recorded(command));
  });

  it('records a late report (pending after success) and moves nothing back', () => {
    const late = aReportCommand('pending', { key: 'late' });
    spec
      .given(...historyOf(aReportCommand('success')))
      .when(late)
      .then(recorded(late));
  });

  it('records a late success after refunded without calling it a contradiction', () => {
    const late = aReportCommand('success', { key: 'late-success' });
    spec
      .given(...historyOf(aReportCommand('success'), aReportCommand('refunded')))
      .when(late)
      .then(recorded(late));
  });

  it('records a repeated status from a new delivery as evidence only', () => {
    const again = aReportCommand('success', { key: 'retry-with-new-key' });
    spec
      .given(...historyOf(aReportCommand('success')))
      .when(again)
      .then(recorded(again));
  });

  it('records a verified webhook that contradicts a terminal state as a discrepancy', () => {
    const contradiction = aReportCommand('failed', { key: 'says-failed' });
    spec
      .given(...historyOf(aReportCommand('success', { key: 'says-success' })))
      .when(contradiction)
      .then(recorded(contradiction), {
        type: 'DiscrepancyDetected',
        data: {
          payment,
          discrepancy: {
            id: 'status-contradiction:success->failed',
            kind: 'status-contradiction',
            ours: 'success',
            theirs: 'failed',
            deliveryKey: 'says-failed',
            ourDeliveryKey: 'says-success',
          },
          detectedAt: contradiction.data.evidence.receivedAt,
        },
      });
  });

  it('does not open the same contradiction twice', () => {
    const again = aReportCommand('failed', { key: 'says-failed-again' });
    spec
      .given(
        ...historyOf(aReportCommand('success'), aReportCommand('failed', { key: 'says-failed' })),
      )
      .when(again)
      .then(recorded(again));
  });

  it('lets the status endpoint correct a terminal state, naming what it corrects', () => {
    const truth = aReportCommand('failed', { key: 'poll-1', trust: 'authoritative' });
    spec
      .given(...historyOf(aReportCommand('success', { key: 'webhook-1' })))
      .when(truth)
      .then(recorded(truth), {
        type: 'PaymentStatusCorrected',
        data: {
          payment,
          from: 'success',
          to: 'failed',
          deliveryKey: 'poll-1',
          channel: 'poll',
          correctsDeliveryKey: 'webhook-1',
          correctedAt: truth.data.evidence.receivedAt,
        },
      });
  });

  it('resolves open contradictions when the status endpoint corrects the state', () => {
    const truth = aReportCommand('failed', { key: 'poll-1', trust: 'authoritative' });
    const events = spec
      .given(
        ...historyOf(aReportCommand('success'), aReportCommand('failed', { key: 'says-failed' })),
      )
      .when(truth)
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusCorrected',
      'DiscrepancyResolved',
    ]);
    expect(events[2]).toMatchObject({
      data: { discrepancyId: 'status-contradiction:success->failed', resolution: 'corrected' },
    });
  });

  it('resolves open contradictions as confirmed when the status endpoint agrees with payrec', () => {
    const truth = aReportCommand('success', { key: 'poll-1', trust: 'authoritative' });
    const events = spec
      .given(
        ...historyOf(aReportCommand('success'), aReportCommand('failed', { key: 'says-failed' })),
      )
      .when(truth)
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'DiscrepancyResolved',
    ]);
    expect(events[1]).toMatchObject({ data: { resolution: 'confirmed' } });
  });

  it('never corrects a terminal state back to pending, even from the status endpoint', () => {
    const lagging = aReportCommand('pending', { key: 'poll-1', trust: 'authoritative' });
    spec
      .given(...historyOf(aReportCommand('success')))
      .when(lagging)
      .then(recorded(lagging));
  });

  it('records a hint without moving the payment, and marks it as awaiting confirmation', () => {
    const hint = aReportCommand('success', { key: 'unsigned', trust: 'hint' });
    const history = historyOf(aRegistration());
    spec
      .given(...history)
      .when(hint)
      .then(recorded(hint));
    const state = foldPayment([...history, recorded(hint)]);
    expect(state).toMatchObject({ status: 'pending', awaitingConfirmation: true });
  });

  it('clears the confirmation flag once the status endpoint answers', () => {
    const state = foldPayment(
      historyOf(
        aReportCommand('success', { key: 'unsigned', trust: 'hint' }),
        aReportCommand('success', { key: 'poll', trust: 'authoritative' }),
      ),
    );
    expect(state).toMatchObject({ status: 'success', awaitingConfirmation: false });
  });
});

describe('decide: amounts against the registration', () => {
  const registered = historyOf(aRegistration({ amount: usd(10_000) }));

  it('moves to success when the reported amount is the registered one', () => {
    const events = spec
      .given(...registered)
      .when(aReportCommand('success', { amount: usd(10_000) }))
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusChanged',
    ]);
  });

  it('treats a success for a different amount as a discrepancy, not a success', () => {
    const short = aReportCommand('success', { key: 'short', amount: usd(9_999) });
    spec
      .given(...registered)
      .when(short)
      .then(recorded(short), {
        type: 'DiscrepancyDetected',
        data: {
          payment,
          discrepancy: {
            id: 'amount-mismatch:USD 100.00->USD 99.99',
            kind: 'amount-mismatch',
            ours: 'USD 100.00',
            theirs: 'USD 99.99',
            deliveryKey: 'short',
            ourDeliveryKey: null,
          },
          detectedAt: short.data.evidence.receivedAt,
        },
      });
  });

  it('treats a success in another currency as a discrepancy, not a success', () => {
    const events = spec
      .given(...registered)
      .when(aReportCommand('success', { amount: { minor: 10_000, currency: 'EUR' } }))
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'DiscrepancyDetected',
    ]);
    expect(events[1]).toMatchObject({
      data: { discrepancy: { kind: 'currency-mismatch', ours: 'USD', theirs: 'EUR' } },
    });
  });

  it('keeps refusing the success when the same wrong amount is reported again', () => {
    const again = aReportCommand('success', { key: 'short-again', amount: usd(9_999) });
    spec
      .given(
        ...registered,
        ...historyOf(
          aRegistration({ amount: usd(10_000) }),
          aReportCommand('success', { key: 'short', amount: usd(9_999) }),
        ).slice(1),
      )
      .when(again)
      .then(recorded(again));
  });

  it('lets a failure through even when its amount disagrees, and records the disagreement', () => {
    const events = spec
      .given(...registered)
      .when(aReportCommand('failed', { amount: usd(1) }))
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'DiscrepancyDetected',
      'PaymentStatusChanged',
    ]);
  });
});
