import { createHash } from 'node:crypto';
import {
  paymentStreamName,
  type Fulfilment,
  type Money,
  type PaymentId,
  type PaymentStatus,
} from '../domain/index.js';

/**
 * The `webhook-id` of a fulfilment notification: the same on every attempt and every replay for
 * one transition, different for any other, so the receiver can drop repeats (the Standard
 * Webhooks idempotency key). `msg_` and the first 128 bits of SHA-256 over the payment's stream
 * and the fulfilment key, base64url.
 */
export const fulfilmentMessageId = (payment: PaymentId, key: string): string =>
  `msg_${createHash('sha256')
    .update(`${paymentStreamName(payment)}\n${key}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')}`;

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
