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

export type PaymentCommand = RegisterPayment | RecordProviderReport;
