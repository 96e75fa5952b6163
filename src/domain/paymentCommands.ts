import type { Evidence, ProviderReport } from './evidence.js';
import type { ExpectedPayment } from './expectedPayment.js';
import type { Channel } from './evidence.js';
import type { PaymentId } from './paymentId.js';

/** Register a payment the merchant expects (`POST /payments`). */
export type RegisterPayment = Readonly<{
  type: 'RegisterPayment';
  data: Readonly<{
    payment: PaymentId;
    expected: ExpectedPayment;
    registeredAt: string;
    source: Channel;
  }>;
}>;

/**
 * Record what a provider said. Built only from a verified delivery or a validated status
 * response; the evidence says which.
 */
export type RecordProviderReport = Readonly<{
  type: 'RecordProviderReport';
  data: Readonly<{ payment: PaymentId; report: ProviderReport; evidence: Evidence }>;
}>;

/** Record how one attempt to notify the merchant's backend went. */
export type RecordFulfilmentAttempt = Readonly<{
  type: 'RecordFulfilmentAttempt';
  data: Readonly<{
    payment: PaymentId;
    key: string;
    at: string;
    outcome:
      | Readonly<{ kind: 'delivered'; responseStatus: number }>
      | Readonly<{
          kind: 'failed';
          reason: string;
          /** When to try again if the budget allows (from the retry policy). */
          nextAttemptAt: string;
          maxAttempts: number;
        }>;
  }>;
}>;

/** Try an exhausted fulfilment again (an operator's decision). */
export type RedriveFulfilment = Readonly<{
  type: 'RedriveFulfilment';
  data: Readonly<{ payment: PaymentId; key: string; at: string; source: Channel }>;
}>;

export type PaymentCommand =
  RegisterPayment | RecordProviderReport | RecordFulfilmentAttempt | RedriveFulfilment;
