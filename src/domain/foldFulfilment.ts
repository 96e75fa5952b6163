import type { Fulfilment } from './fulfilment.js';
import type { FulfilmentEvent } from './paymentEvents.js';
import { known, type KnownPayment, type PaymentState } from './paymentState.js';

const withFulfilment = (
  state: KnownPayment,
  key: string,
  change: (fulfilment: Fulfilment) => Fulfilment,
): KnownPayment => ({
  ...state,
  fulfilments: state.fulfilments.map((fulfilment) =>
    fulfilment.key === key ? change(fulfilment) : fulfilment,
  ),
});

/** Folds one fulfilment event: a notification requested, attempted, delivered, given up, re-driven. */
export const withFulfilmentEvent = (state: PaymentState, event: FulfilmentEvent): KnownPayment => {
  switch (event.type) {
    case 'FulfilmentRequested': {
      const { payment, key, from, to, requestedAt } = event.data;
      const current = known(state, payment, requestedAt);
      return {
        ...current,
        fulfilments: [
          ...current.fulfilments,
          {
            key,
            from,
            to,
            status: 'requested',
            attempts: 0,
            nextAttemptAt: requestedAt,
            requestedAt,
          },
        ],
      };
    }
    case 'FulfilmentAttemptFailed': {
      const { payment, key, attempt, failedAt, nextAttemptAt } = event.data;
      return withFulfilment(known(state, payment, failedAt), key, (fulfilment) => ({
        ...fulfilment,
        attempts: attempt,
        nextAttemptAt,
      }));
    }
    case 'FulfilmentDelivered': {
      const { payment, key, attempt, deliveredAt } = event.data;
      return withFulfilment(known(state, payment, deliveredAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'delivered',
        attempts: attempt,
        nextAttemptAt: null,
      }));
    }
    case 'FulfilmentExhausted': {
      const { payment, key, attempts, exhaustedAt } = event.data;
      return withFulfilment(known(state, payment, exhaustedAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'exhausted',
        attempts,
        nextAttemptAt: null,
      }));
    }
    case 'FulfilmentRedriven': {
      const { payment, key, redrivenAt } = event.data;
      return withFulfilment(known(state, payment, redrivenAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'requested',
        attempts: 0,
        nextAttemptAt: redrivenAt,
      }));
    }
  }
};
