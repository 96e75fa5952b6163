import type { PaymentStatus } from './paymentStatus.js';

/**
 * Where one fulfilment notification stands:
 * - `requested`: due (again) at `nextAttemptAt`;
 * - `delivered`: the receiver answered 2xx;
 * - `exhausted`: the retry budget ran out; an operator may re-drive it.
 */
export const fulfilmentStatuses = ['requested', 'delivered', 'exhausted'] as const;
export type FulfilmentStatus = (typeof fulfilmentStatuses)[number];

/** One transition that the merchant's backend is told about, and how telling it went. */
export type Fulfilment = Readonly<{
  /** Unique within the payment: the new status and the delivery that caused the transition. */
  key: string;
  from: PaymentStatus;
  to: PaymentStatus;
  status: FulfilmentStatus;
  /** Attempts made since it was requested or last re-driven. */
  attempts: number;
  nextAttemptAt: string | null;
  requestedAt: string;
}>;

/**
 * Which transitions the merchant's backend must hear of: becoming `success`, and any move away
 * from `success` (refunded, cancelled, or a correction the provider's status endpoint forced).
 */
export const needsFulfilment = (from: PaymentStatus, to: PaymentStatus): boolean =>
  from !== to && (to === 'success' || from === 'success');

/** The fulfilment key of the transition to `to` caused by the delivery `deliveryKey`. */
export const fulfilmentKey = (to: PaymentStatus, deliveryKey: string): string =>
  `${to}@${deliveryKey}`;

/** How retries are spaced and when they stop. */
export type FulfilmentRetryPolicy = Readonly<{
  /** Attempts before the fulfilment is exhausted (at least 1). */
  maxAttempts: number;
  /** The delay after the first failure; each later one doubles it, up to `maxDelaySeconds`. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}>;

/** 12 attempts over about 17 hours: 30 s, 1 min, 2 min, … capped at 6 h. */
export const defaultFulfilmentRetryPolicy: FulfilmentRetryPolicy = {
  maxAttempts: 12,
  baseDelaySeconds: 30,
  maxDelaySeconds: 6 * 60 * 60,
};

/** Seconds to wait after the `attempt`-th failed attempt (1-based): exponential, capped. */
export const retryDelaySeconds = (policy: FulfilmentRetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, attempt - 1));
