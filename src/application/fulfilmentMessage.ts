import {
  fulfilmentMessageId,
  type Fulfilment,
  type Money,
  type PaymentId,
  type PaymentStatus,
} from '../domain/index.js';

/** The notification's `type`: what happened to the payment. */
export const fulfilmentEventType = (to: PaymentStatus): string =>
  ({
    pending: 'payment.pending',
    success: 'payment.succeeded',
    failed: 'payment.failed',
    expired: 'payment.expired',
    refunded: 'payment.refunded',
    cancelled: 'payment.cancelled',
  })[to];

/** The JSON body POSTed to `PAYREC_FULFILMENT_URL` (Standard Webhooks' `type`/`timestamp`/`data`). */
export type FulfilmentPayload = Readonly<{
  type: string;
  timestamp: string;
  data: Readonly<{
    id: string;
    provider: string;
    ref: string;
    status: PaymentStatus;
    previousStatus: PaymentStatus;
    amount: Money | null;
    orderId: string | null;
    transitionedAt: string;
  }>;
}>;

/** The body for one fulfilment; the same bytes on every attempt. */
export const fulfilmentPayload = (
  payment: PaymentId,
  fulfilment: Pick<Fulfilment, 'key' | 'from' | 'to' | 'requestedAt'>,
  details: Readonly<{ amount: Money | null; orderId: string | null }>,
): FulfilmentPayload => ({
  type: fulfilmentEventType(fulfilment.to),
  timestamp: fulfilment.requestedAt,
  data: {
    id: fulfilmentMessageId(payment, fulfilment.key),
    provider: payment.provider,
    ref: payment.ref,
    status: fulfilment.to,
    previousStatus: fulfilment.from,
    amount: details.amount,
    orderId: details.orderId,
    transitionedAt: fulfilment.requestedAt,
  },
});
