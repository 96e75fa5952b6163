import {
  withDiscrepancyAcknowledged,
  withDiscrepancyDetected,
  withDiscrepancyResolved,
} from './foldDiscrepancy.js';
import { withFulfilmentEvent } from './foldFulfilment.js';
import { withReportRecorded } from './foldReport.js';
import type { PaymentEvent } from './paymentEvents.js';
import { initialState, known, type PaymentState } from './paymentState.js';

/**
 * Folds one event into the state. Pure; never throws for any event the decider emits. Each
 * concern's fold is a file of its own: reports (`foldReport.ts`), discrepancies
 * (`foldDiscrepancy.ts`), fulfilments (`foldFulfilment.ts`).
 */
export const evolve = (state: PaymentState, event: PaymentEvent): PaymentState => {
  switch (event.type) {
    case 'PaymentRegistered': {
      const { payment, expected, registeredAt } = event.data;
      const current = known(state, payment, registeredAt);
      return {
        ...current,
        expected,
        orderId: expected.orderId ?? current.orderId,
        updatedAt: registeredAt,
      };
    }
    case 'ProviderReportRecorded':
      return withReportRecorded(
        known(state, event.data.payment, event.data.evidence.receivedAt),
        event.data,
      );
    case 'PaymentStatusChanged':
    case 'PaymentStatusCorrected': {
      const { payment, to, deliveryKey, channel } = event.data;
      const at =
        event.type === 'PaymentStatusChanged' ? event.data.changedAt : event.data.correctedAt;
      const current = known(state, payment, at);
      return {
        ...current,
        status: to,
        statusAt: event.data.providerAt ?? at,
        heldBack: null,
        statusOrigin: { deliveryKey, channel, at },
        hintClaim: current.hintClaim?.status === to ? null : current.hintClaim,
        ...(current.earlierHintClaims === undefined
          ? {}
          : {
              earlierHintClaims: current.earlierHintClaims.filter((claim) => claim.status !== to),
            }),
        updatedAt: at,
      };
    }
    case 'DiscrepancyDetected':
      return withDiscrepancyDetected(
        known(state, event.data.payment, event.data.detectedAt),
        event.data,
      );
    case 'DiscrepancyAcknowledged':
      return withDiscrepancyAcknowledged(
        known(state, event.data.payment, event.data.acknowledgedAt),
        event.data,
      );
    case 'DiscrepancyResolved':
      return withDiscrepancyResolved(
        known(state, event.data.payment, event.data.resolvedAt),
        event.data,
      );
    case 'ProviderAmountAccepted': {
      const { payment, to, acceptedAt } = event.data;
      const current = known(state, payment, acceptedAt);
      return {
        ...current,
        expected: { ...(current.expected ?? {}), amount: to },
        updatedAt: acceptedAt,
      };
    }
    case 'StatusCheckFailed': {
      const { payment, checkedAt } = event.data;
      const current = known(state, payment, checkedAt);
      return { ...current, checks: current.checks + 1, lastCheckedAt: checkedAt };
    }
    case 'FulfilmentRequested':
    case 'FulfilmentAttemptFailed':
    case 'FulfilmentDelivered':
    case 'FulfilmentExhausted':
    case 'FulfilmentRedriven':
      return withFulfilmentEvent(state, event);
  }
};

/** Folds a whole history, oldest first. */
export const foldPayment = (events: Iterable<PaymentEvent>): PaymentState => {
  let state = initialState();
  for (const event of events) state = evolve(state, event);
  return state;
};
