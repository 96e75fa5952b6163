import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  foldPayment,
  initialState,
  type PaymentEvent,
  type ReportJudgement,
} from '../../../src/domain/index.js';
import { deciderSpecification } from '../../support/deciderSpecification.js';
import {
  aPaymentId,
  aRegistration,
  aReportCommand,
  historyOf,
  usd,
} from '../../support/paymentBuilders.js';

const spec = deciderSpecification({ decide, evolve, initialState });
const payment = aPaymentId();

/** The report recorded, with what the decider made of it (none for a status it cannot read). */
const recorded = (
  command: ReturnType<typeof aReportCommand>,
  judgement?: ReportJudgement,
): PaymentEvent => ({
  type: 'ProviderReportRecorded',
  data: judgement === undefined ? command.data : { ...command.data, judgement },
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
      .then(
        recorded(command, { effect: 'moved' }),
        {
          type: 'PaymentStatusChanged',
          data: {
            payment,
            from: 'pending',
            to: 'success',
            deliveryKey: 'k1',
            channel: 'webhook',
            changedAt: command.data.evidence.receivedAt,
          },
        },
        {
          type: 'FulfilmentRequested',
          data: {
            payment,
            key: 'success@k1',
            from: 'pending',
            to: 'success',
            amount: command.data.report.amount ?? null,
            orderId: command.data.report.orderId ?? null,
            requestedAt: command.data.evidence.receivedAt,
          },
        },
      );
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
      .then(recorded(late, { effect: 'late' }));
  });

  it('records a late success after refunded without calling it a contradiction', () => {
    const late = aReportCommand('success', { key: 'late-success' });
    spec
      .given(...historyOf(aReportCommand('success'), aReportCommand('refunded')))
      .when(late)
      .then(recorded(late, { effect: 'late' }));
  });

  it('records a repeated status from a new delivery as evidence only', () => {
    const again = aReportCommand('success', { key: 'retry-with-new-key' });
    spec
      .given(...historyOf(aReportCommand('success')))
      .when(again)
      .then(recorded(again, { effect: 'repeat' }));
  });

  it('records a verified webhook that contradicts a terminal state as a discrepancy', () => {
    const contradiction = aReportCommand('failed', { key: 'says-failed' });
    spec
      .given(...historyOf(aReportCommand('success', { key: 'says-success' })))
      .when(contradiction)
      .then(
        recorded(contradiction, {
          effect: 'contradicted',
          discrepancyId: 'status-contradiction:success->failed',
        }),
        {
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
        },
      );
  });

  it('does not open the same contradiction twice', () => {
    const again = aReportCommand('failed', { key: 'says-failed-again' });
    spec
      .given(
        ...historyOf(aReportCommand('success'), aReportCommand('failed', { key: 'says-failed' })),
      )
      .when(again)
      .then(
        recorded(again, {
          effect: 'contradicted',
          discrepancyId: 'status-contradiction:success->failed',
        }),
      );
  });

  it('lets the status endpoint correct a terminal state, naming what it corrects', () => {
    const truth = aReportCommand('failed', { key: 'poll-1', trust: 'authoritative' });
    spec
      .given(...historyOf(aReportCommand('success', { key: 'webhook-1' })))
      .when(truth)
      .then(
        recorded(truth, { effect: 'corrected' }),
        {
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
        },
        {
          type: 'FulfilmentRequested',
          data: {
            payment,
            key: 'failed@poll-1',
            from: 'success',
            to: 'failed',
            amount: truth.data.report.amount ?? null,
            orderId: truth.data.report.orderId ?? null,
            requestedAt: truth.data.evidence.receivedAt,
          },
        },
      );
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
      'FulfilmentRequested',
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
      .then(recorded(lagging, { effect: 'late' }));
  });

  it('records a hint without moving the payment, and marks it as awaiting confirmation', () => {
    const hint = aReportCommand('success', { key: 'unsigned', trust: 'hint' });
    const history = historyOf(aRegistration());
    spec
      .given(...history)
      .when(hint)
      .then(recorded(hint, { effect: 'awaiting-confirmation' }));
    const state = foldPayment([...history, recorded(hint, { effect: 'awaiting-confirmation' })]);
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
      'FulfilmentRequested',
    ]);
    expect(events[2]).toMatchObject({ data: { amount: usd(10_000) } });
  });

  it('treats a success for a different amount as a discrepancy, not a success', () => {
    const short = aReportCommand('success', { key: 'short', amount: usd(9_999) });
    spec
      .given(...registered)
      .when(short)
      .then(
        recorded(short, {
          effect: 'contradicted',
          discrepancyId: 'amount-mismatch:USD 100.00->USD 99.99',
        }),
        {
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
        },
      );
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
      .then(
        recorded(again, {
          effect: 'contradicted',
          discrepancyId: 'amount-mismatch:USD 100.00->USD 99.99',
        }),
      );
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

describe('decide: fulfilment', () => {
  const succeeded = aReportCommand('success', { key: 'paid' });
  const key = 'success@paid';
  const failedAttempt = (at: string, maxAttempts = 3) =>
    ({
      type: 'RecordFulfilmentAttempt',
      data: {
        payment,
        key,
        at,
        outcome: {
          kind: 'failed',
          reason: 'HTTP 503',
          nextAttemptAt: '2026-11-24T12:00:00.000Z',
          maxAttempts,
        },
      },
    }) as const;
  const delivered = (at: string) =>
    ({
      type: 'RecordFulfilmentAttempt',
      data: { payment, key, at, outcome: { kind: 'delivered', responseStatus: 204 } },
    }) as const;

  it.each([
    ['pending', 'success', true],
    ['success', 'refunded', true],
    ['success', 'cancelled', true],
    ['success', 'failed', true],
    ['pending', 'failed', false],
    ['pending', 'expired', false],
    ['pending', 'cancelled', false],
  ] as const)('requests a fulfilment for %s -> %s: %s', (from, to, requested) => {
    const history = from === 'success' ? historyOf(succeeded) : historyOf(aRegistration());
    const events = spec
      .given(...history)
      .when(aReportCommand(to, { key: 'next', trust: 'authoritative' }))
      .events();
    expect(events.some((event) => event.type === 'FulfilmentRequested')).toBe(requested);
  });

  it('requests nothing more when the provider repeats the success', () => {
    spec
      .given(...historyOf(succeeded))
      .when(aReportCommand('success', { key: 'paid-again' }))
      .then(recorded(aReportCommand('success', { key: 'paid-again' }), { effect: 'repeat' }));
  });

  it('records delivered after a 2xx, then ignores any later attempt for it', () => {
    spec
      .given(...historyOf(succeeded))
      .when(delivered('2026-11-24T10:00:01.000Z'))
      .then({
        type: 'FulfilmentDelivered',
        data: {
          payment,
          key,
          attempt: 1,
          responseStatus: 204,
          deliveredAt: '2026-11-24T10:00:01.000Z',
        },
      });
    spec
      .given(...historyOf(succeeded, delivered('2026-11-24T10:00:01.000Z')))
      .when(delivered('2026-11-24T10:00:02.000Z'))
      .thenNothingHappened();
  });

  it('counts failed attempts and exhausts the fulfilment when the budget runs out', () => {
    const history = historyOf(
      succeeded,
      failedAttempt('2026-11-24T10:00:01.000Z'),
      failedAttempt('2026-11-24T10:00:02.000Z'),
    );
    const state = foldPayment(history);
    expect(state).toMatchObject({
      fulfilments: [
        { key, status: 'requested', attempts: 2, nextAttemptAt: '2026-11-24T12:00:00.000Z' },
      ],
    });
    spec
      .given(...history)
      .when(failedAttempt('2026-11-24T10:00:03.000Z'))
      .then({
        type: 'FulfilmentExhausted',
        data: {
          payment,
          key,
          attempts: 3,
          reason: 'HTTP 503',
          exhaustedAt: '2026-11-24T10:00:03.000Z',
        },
      });
  });

  it('re-drives only an exhausted fulfilment, with a fresh budget', () => {
    const redrive = {
      type: 'RedriveFulfilment',
      data: { payment, key, at: '2026-11-24T11:00:00.000Z', source: 'api' },
    } as const;
    spec
      .given(...historyOf(succeeded))
      .when(redrive)
      .thenNothingHappened();
    const exhausted = historyOf(succeeded, failedAttempt('2026-11-24T10:00:01.000Z', 1));
    const events = spec
      .given(...exhausted)
      .when(redrive)
      .events();
    expect(events).toEqual([
      {
        type: 'FulfilmentRedriven',
        data: { payment, key, redrivenAt: redrive.data.at, source: 'api' },
      },
    ]);
    expect(foldPayment([...exhausted, ...events])).toMatchObject({
      fulfilments: [{ key, status: 'requested', attempts: 0, nextAttemptAt: redrive.data.at }],
    });
  });
});
