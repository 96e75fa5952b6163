import type { PaymentEvent } from './paymentEvents.js';
import type { PaymentStatus } from './paymentStatus.js';

/**
 * The move of status an event makes, or `null`: only `PaymentStatusChanged` and
 * `PaymentStatusCorrected` move a payment (`evolve`), from one status to another. Before its
 * first event a payment has no status; with it, whatever it is, the payment is `pending`.
 */
export const statusMoveOf = (
  event: PaymentEvent,
): Readonly<{ from: PaymentStatus; to: PaymentStatus }> | null =>
  event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
    ? { from: event.data.from, to: event.data.to }
    : null;
