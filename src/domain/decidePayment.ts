import { amountDisagreement } from './discrepancy.js';
import { detected, overdue } from './discrepancyDetection.js';
import { recordAttempt, redrive } from './decideFulfilment.js';
import { acknowledge, resolveByOperator } from './decideOperatorAction.js';
import { record } from './decideReport.js';
import { sameExpectedPayment } from './expectedPayment.js';
import type { PaymentCommand, RegisterPayment } from './paymentCommands.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { PaymentState } from './paymentState.js';

/** How a registration compares with what payrec already holds. */
export type RegistrationComparison = 'new' | 'identical' | 'conflicting';

/**
 * Whether `command` registers something new, repeats the registration payrec holds, or conflicts
 * with it (docs/http.md `POST /payments`: 201, 200, 409).
 */
export const compareRegistration = (
  state: PaymentState,
  command: RegisterPayment,
): RegistrationComparison => {
  if (state.status === 'unknown' || state.expected === null) return 'new';
  return sameExpectedPayment(state.expected, command.data.expected) ? 'identical' : 'conflicting';
};

/**
 * A registration: recorded when new; a payment already reported for another sum gets its
 * amount discrepancy at once.
 */
const register = (state: PaymentState, command: RegisterPayment): PaymentEvent[] => {
  if (compareRegistration(state, command) !== 'new') return [];
  const { payment, expected, registeredAt } = command.data;
  const events: PaymentEvent[] = [{ type: 'PaymentRegistered', data: command.data }];
  if (state.status === 'unknown') return events;
  const reported = state.reportedAmount;
  const disagreement = amountDisagreement(expected.amount, reported?.amount);
  if (disagreement === null || reported === null) return events;
  return [
    ...events,
    ...detected(
      state,
      { ...disagreement, deliveryKey: reported.deliveryKey, ourDeliveryKey: null },
      payment,
      registeredAt,
    ),
  ];
};

/**
 * The payment decider's `decide`: what a command makes happen, given the payment's state.
 * Returns zero or more events and never throws for anything the outside world can cause: a
 * repeated delivery returns none; a late report is recorded and changes nothing; a report that
 * contradicts a terminal state is a discrepancy, unless it comes from the provider's status
 * endpoint, which corrects it.
 */
export const decide = (command: PaymentCommand, state: PaymentState): PaymentEvent[] => {
  switch (command.type) {
    case 'RegisterPayment':
      return register(state, command);
    case 'RecordProviderReport':
      return record(state, command);
    case 'RecordStatusCheckFailure':
      return [{ type: 'StatusCheckFailed', data: command.data }];
    case 'FlagIfOverdue':
      return state.status === 'unknown' ? [] : overdue(state, state.status, command.data.at);
    case 'RecordFulfilmentAttempt':
      return recordAttempt(state, command);
    case 'RedriveFulfilment':
      return redrive(state, command);
    case 'AcknowledgeDiscrepancy':
      return acknowledge(state, command);
    case 'ResolveDiscrepancy':
      return resolveByOperator(state, command);
  }
};
