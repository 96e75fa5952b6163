import type { OperatorResolution } from './discrepancy.js';
import type { Evidence, ProviderReport } from './evidence.js';
import type { Channel } from './evidence.js';
import type { PaymentMessage } from './paymentMessage.js';
import type { PaymentRegistered, StatusCheckFailed } from './paymentEvents.js';

/** Register a payment the merchant expects (`POST /payments`). */
export type RegisterPayment = PaymentMessage<'RegisterPayment', PaymentRegistered['data']>;

/**
 * Record what a provider said. Built only from a verified delivery or a validated status
 * response; the evidence says which.
 */
export type RecordProviderReport = PaymentMessage<
  'RecordProviderReport',
  { report: ProviderReport; evidence: Evidence }
>;

/** Record how one attempt to notify the merchant's backend went. */
export type RecordFulfilmentAttempt = PaymentMessage<
  'RecordFulfilmentAttempt',
  {
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
  }
>;

/** Try an exhausted fulfilment again (an operator's decision). */
export type RedriveFulfilment = PaymentMessage<
  'RedriveFulfilment',
  {
    key: string;
    at: string;
    source: Channel;
    actor?: string;
    /** Why, when an operator re-drove many at once. */
    reason?: string;
  }
>;

/** Record that a status check got an answer payrec cannot read. */
export type RecordStatusCheckFailure = PaymentMessage<
  'RecordStatusCheckFailure',
  StatusCheckFailed['data']
>;

/**
 * A payment without a status endpoint (Kraken Pay) reached its deadline: flag it for a person if
 * it is still open. `at` is when the poller looked.
 */
export type FlagIfOverdue = PaymentMessage<'FlagIfOverdue', { at: string }>;

/** A person has looked at a discrepancy (`POST /discrepancies/{id}/acknowledge`). */
export type AcknowledgeDiscrepancy = PaymentMessage<
  'AcknowledgeDiscrepancy',
  {
    discrepancyId: string;
    actor: string;
    note: string;
    at: string;
  }
>;

/** A person closes a discrepancy (`POST /discrepancies/{id}/resolve`). */
export type ResolveDiscrepancy = PaymentMessage<
  'ResolveDiscrepancy',
  {
    discrepancyId: string;
    resolution: OperatorResolution;
    actor: string;
    note: string;
    at: string;
  }
>;

export type PaymentCommand =
  | RegisterPayment
  | RecordProviderReport
  | RecordStatusCheckFailure
  | FlagIfOverdue
  | RecordFulfilmentAttempt
  | RedriveFulfilment
  | AcknowledgeDiscrepancy
  | ResolveDiscrepancy;
