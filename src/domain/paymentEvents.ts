import type { AutomaticResolution, Discrepancy, OperatorResolution } from './discrepancy.js';
import type { Channel, Evidence, ProviderReport } from './evidence.js';
import type { ExpectedPayment } from './expectedPayment.js';
import type { Money } from './money.js';
import type { PaymentId } from './paymentId.js';
import type { PaymentMessage } from './paymentMessage.js';
import type { PaymentStatus } from './paymentStatus.js';
import type { ReportJudgement } from './reportJudgement.js';

/** The merchant registered a payment it expects (before or after the first report). */
export type PaymentRegistered = PaymentMessage<
  'PaymentRegistered',
  {
    expected: ExpectedPayment;
    registeredAt: string;
    source: Channel;
    /** Who registered it (an API token's name, a CLI user). */
    actor?: string;
  }
>;

/** A report arrived and was kept as evidence, whatever it went on to change. */
export type ProviderReportRecorded = PaymentMessage<
  'ProviderReportRecorded',
  {
    report: ProviderReport;
    evidence: Evidence;
    /** What the decider made of it (absent in events recorded before payrec judged reports). */
    judgement?: ReportJudgement;
  }
>;

/** What every move of a payment's status records: from, to, and the delivery behind it. */
export type StatusMove = Readonly<{
  payment: PaymentId;
  from: PaymentStatus;
  to: PaymentStatus;
  deliveryKey: string;
  channel: Channel;
  /**
   * When the provider says the status was reached, where verified evidence says so (Kraken
   * Embed's `timestamp`, a status API's time), never later than payrec received it: the
   * settlement day. Absent when the provider gave no time (then payrec's instant is that day).
   */
  providerAt?: string;
}>;

/** A report moved the payment forward. */
export type PaymentStatusChanged = PaymentMessage<
  'PaymentStatusChanged',
  StatusMove & Readonly<{ changedAt: string }>
>;

/**
 * The provider's status endpoint contradicted a terminal state payrec held: the truth wins, by a
 * new event naming the delivery whose status it corrects (never by editing that one).
 */
export type PaymentStatusCorrected = PaymentMessage<
  'PaymentStatusCorrected',
  StatusMove & Readonly<{ correctsDeliveryKey: string | null; correctedAt: string }>
>;

/**
 * A person resolved an amount or currency mismatch `accepted-provider`: the provider's figure is
 * now the payment's own, and says who decided it and why. A status held back because of the
 * mismatch follows in the same append.
 */
export type ProviderAmountAccepted = PaymentMessage<
  'ProviderAmountAccepted',
  {
    /** What payrec expected before (the registration's amount). */
    from: Money | null;
    /** The provider's amount, now the payment's. */
    to: Money;
    discrepancyId: string;
    actor: string;
    note: string;
    acceptedAt: string;
  }
>;

export type DiscrepancyDetected = PaymentMessage<
  'DiscrepancyDetected',
  { discrepancy: Discrepancy; detectedAt: string }
>;

/** A person has seen a discrepancy and says so, with a note; it stays open. */
export type DiscrepancyAcknowledged = PaymentMessage<
  'DiscrepancyAcknowledged',
  {
    discrepancyId: string;
    /** The API token's name, or the CLI's user. */
    actor: string;
    note: string;
    acknowledgedAt: string;
  }
>;

/**
 * A discrepancy closed: by payrec, on the evidence of `deliveryKey` (an automatic resolution), or
 * by a person (`actor`, with a note and one of the operator resolutions).
 */
export type DiscrepancyResolved = PaymentMessage<
  'DiscrepancyResolved',
  {
    discrepancyId: string;
    resolution: AutomaticResolution | OperatorResolution;
    /** The delivery or check that resolved it; `null` when a person did. */
    deliveryKey: string | null;
    resolvedAt: string;
    actor?: string;
    note?: string;
  }
>;

/**
 * The provider's status endpoint answered something payrec cannot read (not the documented
 * shape, an unexpected status code): kept as evidence, never guessed at. Transport failures
 * (timeouts, refused connections) are not recorded here; the payment simply stays due.
 */
export type StatusCheckFailed = PaymentMessage<
  'StatusCheckFailed',
  {
    code: 'UNEXPECTED_RESPONSE' | 'UNAUTHORIZED' | 'REJECTED';
    reason: string;
    /** What came back: HTTP status and the body (truncated), never a credential. */
    response: Readonly<{ status: number; body: string }>;
    checkedAt: string;
  }
>;

/**
 * A transition the merchant's backend must hear of (see `needsFulfilment`), recorded in the same
 * append as the transition itself, so it is requested exactly once however often the provider
 * repeats itself or the projections are replayed.
 */
export type FulfilmentRequested = PaymentMessage<
  'FulfilmentRequested',
  {
    key: string;
    from: PaymentStatus;
    to: PaymentStatus;
    /** What the notification tells, fixed at the transition so every attempt sends the same. */
    amount: Money | null;
    orderId: string | null;
    requestedAt: string;
  }
>;

/** An attempt to notify did not get a 2xx; another follows at `nextAttemptAt`. */
export type FulfilmentAttemptFailed = PaymentMessage<
  'FulfilmentAttemptFailed',
  {
    key: string;
    attempt: number;
    /** `HTTP 503`, `timeout after 10000 ms`, `connection refused`, … never a secret. */
    reason: string;
    failedAt: string;
    nextAttemptAt: string;
  }
>;

/** The receiver answered 2xx: recorded only after that answer. */
export type FulfilmentDelivered = PaymentMessage<
  'FulfilmentDelivered',
  {
    key: string;
    attempt: number;
    responseStatus: number;
    deliveredAt: string;
  }
>;

/** The retry budget ran out: visible, and an operator can re-drive it. */
export type FulfilmentExhausted = PaymentMessage<
  'FulfilmentExhausted',
  {
    key: string;
    attempts: number;
    reason: string;
    exhaustedAt: string;
  }
>;

/** An operator asked for an exhausted fulfilment to be tried again, with a fresh budget. */
export type FulfilmentRedriven = PaymentMessage<
  'FulfilmentRedriven',
  {
    key: string;
    redrivenAt: string;
    source: Channel;
    /** Who asked (an API token's name). */
    actor?: string;
    /** Why, when an operator re-drove many at once. */
    reason?: string;
  }
>;

export type FulfilmentEvent =
  | FulfilmentRequested
  | FulfilmentAttemptFailed
  | FulfilmentDelivered
  | FulfilmentExhausted
  | FulfilmentRedriven;

export type PaymentEvent =
  | PaymentRegistered
  | ProviderReportRecorded
  | PaymentStatusChanged
  | PaymentStatusCorrected
  | DiscrepancyDetected
  | DiscrepancyAcknowledged
  | DiscrepancyResolved
  | ProviderAmountAccepted
  | StatusCheckFailed
  | FulfilmentEvent;

export type PaymentEventType = PaymentEvent['type'];

export const paymentEventTypes = [
  'PaymentRegistered',
  'ProviderReportRecorded',
  'PaymentStatusChanged',
  'PaymentStatusCorrected',
  'DiscrepancyDetected',
  'DiscrepancyAcknowledged',
  'DiscrepancyResolved',
  'ProviderAmountAccepted',
  'StatusCheckFailed',
  'FulfilmentRequested',
  'FulfilmentAttemptFailed',
  'FulfilmentDelivered',
  'FulfilmentExhausted',
  'FulfilmentRedriven',
] as const satisfies readonly PaymentEventType[];

export const isPaymentEventType = (type: string): type is PaymentEventType =>
  (paymentEventTypes as readonly string[]).includes(type);
