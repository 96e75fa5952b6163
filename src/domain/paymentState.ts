import type { OpenDiscrepancy, PreviousResolution } from './discrepancy.js';
import type { Channel } from './evidence.js';
import type { ExpectedPayment } from './expectedPayment.js';
import type { Fulfilment } from './fulfilment.js';
import type { Money } from './money.js';
import type { PaymentId } from './paymentId.js';
import type { PaymentStatus } from './paymentStatus.js';

/** No event yet: payrec has never heard of this payment. */
export type UnknownPayment = Readonly<{ status: 'unknown' }>;

/** A piece of evidence, in short: which delivery or check, by which channel, when, how trusted. */
export type EvidenceMark = Readonly<{
  deliveryKey: string;
  channel: Channel;
  at: string;
  method: string;
}>;

/** What a hint claimed, until the status endpoint confirms or denies it. */
export type HintClaim = Readonly<{ status: PaymentStatus; deliveryKey: string; at: string }>;

/**
 * A status a provider reported and payrec held back, because the amount it came with disagrees
 * with the registration (a success for another sum is not a success). It applies if a person
 * accepts the provider's figure.
 */
export type HeldBackReport = Readonly<{
  status: PaymentStatus;
  amount: Money;
  deliveryKey: string;
  channel: Channel;
  /** When payrec received it, and when the provider says it happened (where it says). */
  at: string;
  providerAt: string | null;
}>;

/** A discrepancy a person resolved, as it was: never undone without new evidence. */
export type ResolvedByOperator = PreviousResolution & Readonly<{ kind: OpenDiscrepancy['kind'] }>;

/** The delivery that set the current status, for corrections to name. */
export type StatusOrigin = Readonly<{ deliveryKey: string; channel: Channel; at: string }>;

export type KnownPayment = Readonly<{
  status: PaymentStatus;
  payment: PaymentId;
  expected: ExpectedPayment | null;
  /** The last amount a provider reported, and in which delivery. */
  reportedAmount: Readonly<{ amount: Money; deliveryKey: string }> | null;
  orderId: string | null;
  statusOrigin: StatusOrigin | null;
  seenDeliveryKeys: ReadonlySet<string>;
  openDiscrepancies: readonly OpenDiscrepancy[];
  /**
   * Discrepancies a person resolved: the same difference reported again (or time passing, for an
   * overdue one) does not reopen them; only a different figure does.
   */
  resolvedByOperator: readonly string[];
  /** How each was resolved, newest last (absent in payments stored before payrec kept it). */
  operatorResolutions?: readonly ResolvedByOperator[];
  /** The status held back by an amount disagreement, until a person decides (absent: none). */
  heldBack?: HeldBackReport | null;
  /** A hint reported a move that the status endpoint has not yet confirmed. */
  awaitingConfirmation: boolean;
  /**
   * The move the last unconfirmed hint claimed. It outlives `awaitingConfirmation`: while the
   * status endpoint still says `pending` it is neither confirmed nor denied.
   */
  hintClaim: HintClaim | null;
  /**
   * Claims of earlier hints that a later hint of another move displaced before the status
   * endpoint judged them (a lying success, then the genuine failure): each is still judged, and
   * flagged if denied. One per claimed status; absent in payments stored before payrec kept them.
   */
  earlierHintClaims?: readonly HintClaim[];
  /**
   * When a report last contradicted a final state payrec held (a status contradiction opened):
   * until the status endpoint is asked after it, the payment is due, whether or not a person has
   * closed the discrepancy meanwhile. Absent in payments stored before payrec kept it.
   */
  contradictedAt?: string;
  /** Status-endpoint checks made (answered, readable or not). */
  checks: number;
  lastCheckedAt: string | null;
  /** The first and the latest report recorded. */
  firstEvidence: EvidenceMark | null;
  lastEvidence: EvidenceMark | null;
  /** What the provider's reports are about (`quote`, `deposit`, …), when one said. */
  providerObject: string | null;
  /** What the status endpoint last said the status is (`null` before it said anything). */
  providerStatus: PaymentStatus | null;
  /** The transitions the merchant's backend must hear of, oldest first, and how that went. */
  fulfilments: readonly Fulfilment[];
  /**
   * When it reached its status, as the settlement day counts it: the provider's time where
   * verified evidence gives one, else payrec's (absent: never moved, or folded before payrec kept
   * it; read it through `settlementFactsOf`).
   */
  statusAt?: string;
  createdAt: string;
  updatedAt: string;
}>;

export type PaymentState = UnknownPayment | KnownPayment;

export const initialState = (): PaymentState => ({ status: 'unknown' });

const startedFrom = (payment: PaymentId, at: string): KnownPayment => ({
  status: 'pending',
  payment,
  expected: null,
  reportedAmount: null,
  orderId: null,
  statusOrigin: null,
  seenDeliveryKeys: new Set(),
  openDiscrepancies: [],
  resolvedByOperator: [],
  operatorResolutions: [],
  heldBack: null,
  awaitingConfirmation: false,
  hintClaim: null,
  checks: 0,
  lastCheckedAt: null,
  firstEvidence: null,
  lastEvidence: null,
  providerObject: null,
  providerStatus: null,
  fulfilments: [],
  createdAt: at,
  updatedAt: at,
});

/** The state an event of `payment` at `at` folds into: the payment so far, or a new pending one. */
export const known = (state: PaymentState, payment: PaymentId, at: string): KnownPayment =>
  state.status === 'unknown' ? startedFrom(payment, at) : state;
