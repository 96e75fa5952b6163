import type { RecordFulfilmentAttempt, RedriveFulfilment } from './paymentCommands.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { PaymentState } from './paymentState.js';

/** A fulfilment attempt's outcome; an attempt for a fulfilment not awaiting one changes nothing. */
export const recordAttempt = (
  state: PaymentState,
  command: RecordFulfilmentAttempt,
): PaymentEvent[] => {
  const { payment, key, at, outcome } = command.data;
  const fulfilment =
    state.status === 'unknown'
      ? undefined
      : state.fulfilments.find((candidate) => candidate.key === key);
  if (fulfilment?.status !== 'requested') return [];
  const attempt = fulfilment.attempts + 1;
  if (outcome.kind === 'delivered') {
    return [
      {
        type: 'FulfilmentDelivered',
        data: { payment, key, attempt, responseStatus: outcome.responseStatus, deliveredAt: at },
      },
    ];
  }
  if (attempt >= outcome.maxAttempts) {
    return [
      {
        type: 'FulfilmentExhausted',
        data: { payment, key, attempts: attempt, reason: outcome.reason, exhaustedAt: at },
      },
    ];
  }
  return [
    {
      type: 'FulfilmentAttemptFailed',
      data: {
        payment,
        key,
        attempt,
        reason: outcome.reason,
        failedAt: at,
        nextAttemptAt: outcome.nextAttemptAt,
      },
    },
  ];
};

/** Only an exhausted fulfilment can be re-driven; anything else is already on its way. */
export const redrive = (state: PaymentState, command: RedriveFulfilment): PaymentEvent[] => {
  const { payment, key, at, source, actor, reason } = command.data;
  if (state.status === 'unknown') return [];
  const fulfilment = state.fulfilments.find((candidate) => candidate.key === key);
  if (fulfilment?.status !== 'exhausted') return [];
  return [
    {
      type: 'FulfilmentRedriven',
      data: {
        payment,
        key,
        redrivenAt: at,
        source,
        ...(actor === undefined ? {} : { actor }),
        ...(reason === undefined ? {} : { reason }),
      },
    },
  ];
};
