import type { Money } from './money.js';
import { overdue, settled } from './discrepancyDetection.js';
import { fulfilmentKey, needsFulfilment } from './fulfilment.js';
import type { RecordProviderReport } from './paymentCommands.js';
import type { FulfilmentRequested, PaymentEvent } from './paymentEvents.js';
import type { KnownPayment, PaymentState } from './paymentState.js';
import { isTerminal } from './paymentStatus.js';
import { consequences } from './reportConsequences.js';

/**
 * The fulfilment request for a transition that the merchant's backend must hear of, in the same
 * append as the transition, so there is exactly one per transition.
 */
export const fulfilmentRequests = (
  events: readonly PaymentEvent[],
  { amount, orderId, at }: Readonly<{ amount: Money | null; orderId: string | null; at: string }>,
): FulfilmentRequested[] =>
  events.flatMap((event): FulfilmentRequested[] => {
    if (event.type !== 'PaymentStatusChanged' && event.type !== 'PaymentStatusCorrected') return [];
    const { payment, from, to, deliveryKey } = event.data;
    if (!needsFulfilment(from, to)) return [];
    return [
      {
        type: 'FulfilmentRequested',
        data: {
          payment,
          key: fulfilmentKey(to, deliveryKey),
          from,
          to,
          amount,
          orderId,
          requestedAt: at,
        },
      },
    ];
  });

/** What the status after `events` is. */
const statusAfter = (current: KnownPayment['status'], events: readonly PaymentEvent[]) =>
  events.reduce(
    (status, event) =>
      event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
        ? event.data.to
        : status,
    current,
  );

/**
 * A provider's report: recorded (with what the decider made of it) unless its delivery was seen
 * already, with the moves, discrepancies and fulfilment requests it causes, and the overdue
 * discrepancy a poll finds or a final status settles.
 */
export const record = (state: PaymentState, command: RecordProviderReport): PaymentEvent[] => {
  const current = state.status === 'unknown' ? null : state;
  if (current?.seenDeliveryKeys.has(command.data.evidence.deliveryKey)) return [];
  const { events: caused, judgement } = consequences(current, command);
  const { evidence } = command.data;
  const status = statusAfter(current?.status ?? 'pending', caused);
  const deadline =
    current === null
      ? []
      : isTerminal(status)
        ? settled(current, evidence.deliveryKey, evidence.receivedAt)
        : evidence.channel === 'poll'
          ? overdue(current, status, evidence.receivedAt)
          : [];
  return [
    {
      type: 'ProviderReportRecorded',
      data: judgement === null ? command.data : { ...command.data, judgement },
    },
    ...caused,
    ...deadline,
    ...fulfilmentRequests(caused, {
      amount:
        current?.expected?.amount ??
        command.data.report.amount ??
        current?.reportedAmount?.amount ??
        null,
      orderId: current?.orderId ?? command.data.report.orderId ?? null,
      at: evidence.receivedAt,
    }),
  ];
};
