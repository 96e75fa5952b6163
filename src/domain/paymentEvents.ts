import type { Discrepancy } from './discrepancy.js';
import type { Channel, Evidence, ProviderReport } from './evidence.js';
import type { ExpectedPayment } from './expectedPayment.js';
import type { PaymentId } from './paymentId.js';
import type { PaymentStatus } from './paymentStatus.js';

/** The merchant registered a payment it expects (before or after the first report). */
export type PaymentRegistered = Readonly<{
  type: 'PaymentRegistered';
  data: Readonly<{
    payment: PaymentId;
    expected: ExpectedPayment;
    registeredAt: string;
    source: Channel;
  }>;
}>;

/** A report arrived and was kept as evidence, whatever it went on to change. */
export type ProviderReportRecorded = Readonly<{
  type: 'ProviderReportRecorded';
  data: Readonly<{ payment: PaymentId; report: ProviderReport; evidence: Evidence }>;
}>;

/** A report moved the payment forward. */
export type PaymentStatusChanged = Readonly<{
  type: 'PaymentStatusChanged';
  data: Readonly<{
    payment: PaymentId;
    from: PaymentStatus;
    to: PaymentStatus;
    deliveryKey: string;
    channel: Channel;
    changedAt: string;
  }>;
}>;

/**
 * The provider's status endpoint contradicted a terminal state payrec held: the truth wins, by a
 * new event naming the delivery whose status it corrects (never by editing that one).
 */
export type PaymentStatusCorrected = Readonly<{
  type: 'PaymentStatusCorrected';
  data: Readonly<{
    payment: PaymentId;
    from: PaymentStatus;
    to: PaymentStatus;
    deliveryKey: string;
    channel: Channel;
    correctsDeliveryKey: string | null;
    correctedAt: string;
  }>;
}>;

export type DiscrepancyDetected = Readonly<{
  type: 'DiscrepancyDetected';
  data: Readonly<{ payment: PaymentId; discrepancy: Discrepancy; detectedAt: string }>;
}>;

export type DiscrepancyResolved = Readonly<{
  type: 'DiscrepancyResolved';
  data: Readonly<{
    payment: PaymentId;
    discrepancyId: string;
    resolution: 'confirmed' | 'corrected';
    deliveryKey: string;
    resolvedAt: string;
  }>;
}>;

export type PaymentEvent =
  | PaymentRegistered
  | ProviderReportRecorded
  | PaymentStatusChanged
  | PaymentStatusCorrected
  | DiscrepancyDetected
  | DiscrepancyResolved;

export type PaymentEventType = PaymentEvent['type'];

export const paymentEventTypes = [
  'PaymentRegistered',
  'ProviderReportRecorded',
  'PaymentStatusChanged',
  'PaymentStatusCorrected',
  'DiscrepancyDetected',
  'DiscrepancyResolved',
] as const satisfies readonly PaymentEventType[];

export const isPaymentEventType = (type: string): type is PaymentEventType =>
  (paymentEventTypes as readonly string[]).includes(type);
