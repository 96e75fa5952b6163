import type { ProviderName } from '../paymentId.js';

/** What became of a delivery: recorded, a repeat of one recorded, or refused at the edge. */
export type DeliveryOutcome = 'accepted' | 'repeated' | 'rejected';

/** One line of the delivery log. Rejected deliveries are metadata only: no body, no headers. */
export type DeliveryLogEntry = Readonly<{
  provider: ProviderName;
  receivedAt: string;
  outcome: DeliveryOutcome;
  /** The stored delivery, for accepted and repeated ones. */
  deliveryId: string | null;
  /** Why it was rejected: an error code (`INVALID_SIGNATURE`, …). */
  code: string | null;
  size: number;
  sourceAddress: string;
  /** The payments it concerned, as `provider/ref`. */
  payments: readonly string[];
}>;

export type DeliveryLogPage = Readonly<{
  items: readonly DeliveryLogEntry[];
  nextCursor: string | null;
}>;

export type DeliveryLogQuery = Readonly<{
  provider?: ProviderName;
  outcome?: DeliveryOutcome;
  limit: number;
  cursor?: string;
}>;

/**
 * What the delivery log answers the use cases: pages of it, newest first, the payments a
 * stored delivery concerned, and deliveries per minute. Implemented by the SQLite delivery log
 * beside the event store (`adapters/deliveryLog`).
 */
export type DeliveryLogReader = Readonly<{
  /** A page, or `null` for a cursor this log did not issue. */
  list: (query: DeliveryLogQuery) => DeliveryLogPage | null;
  /** The payments a stored delivery concerned, as `provider/ref`. */
  paymentsOf: (deliveryId: string) => string[];
  /** Deliveries per minute and outcome from a minute on (`YYYY-MM-DDTHH:MM`, UTC). */
  perMinute: (
    fromMinute: string,
  ) => Array<Readonly<{ minute: string; outcome: DeliveryOutcome; count: number }>>;
}>;
