import {
  amountDisagreement,
  isOperatorResolution,
  type OpenDiscrepancy,
  type PreviousResolution,
} from './discrepancy.js';
import type { Channel, Evidence } from './evidence.js';
import type { ExpectedPayment } from './expectedPayment.js';
import type { Fulfilment } from './fulfilment.js';
import type { Money } from './money.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { PaymentId } from './paymentId.js';
import { claimVerdict } from './hintClaim.js';
import { canTransition, precedes, type PaymentStatus } from './paymentStatus.js';

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

/**
 * The provider's time of a report as the settlement day counts it: its own time, never later
 * than payrec received it (a provider clock running ahead cannot move a payment into tomorrow);
 * `undefined` when the provider gave none.
 */
export const providerTimeOf = (
  occurredAt: string | undefined,
  receivedAt: string,
): string | undefined =>
  occurredAt === undefined || !isoInstant.test(occurredAt)
    ? undefined
    : occurredAt < receivedAt
      ? occurredAt
      : receivedAt;

/** An instant as payrec writes them (`toISOString`), so that instants compare as strings. */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const mark = (evidence: Evidence): EvidenceMark => ({
  deliveryKey: evidence.deliveryKey,
  channel: evidence.channel,
  at: evidence.receivedAt,
  method: evidence.verification.method,
});

const known = (state: PaymentState, payment: PaymentId, at: string): KnownPayment =>
  state.status === 'unknown' ? startedFrom(payment, at) : state;

const withFulfilment = (
  state: KnownPayment,
  key: string,
  change: (fulfilment: Fulfilment) => Fulfilment,
): KnownPayment => ({
  ...state,
  fulfilments: state.fulfilments.map((fulfilment) =>
    fulfilment.key === key ? change(fulfilment) : fulfilment,
  ),
});

/** Folds one event into the state. Pure; never throws for any event the decider emits. */
export const evolve = (state: PaymentState, event: PaymentEvent): PaymentState => {
  switch (event.type) {
    case 'PaymentRegistered': {
      const { payment, expected, registeredAt } = event.data;
      const current = known(state, payment, registeredAt);
      return {
        ...current,
        expected,
        orderId: expected.orderId ?? current.orderId,
        updatedAt: registeredAt,
      };
    }
    case 'ProviderReportRecorded': {
      const { payment, report, evidence } = event.data;
      const current = known(state, payment, evidence.receivedAt);
      const seenDeliveryKeys = new Set(current.seenDeliveryKeys).add(evidence.deliveryKey);
      const polled = evidence.channel === 'poll';
      const hintOfAMove =
        evidence.verification.trust === 'hint' &&
        report.status !== null &&
        report.status !== current.status &&
        !precedes(report.status, current.status);
      // The status endpoint settles a claim when it confirms or denies it; until then it stands.
      const settlesClaim =
        evidence.verification.trust === 'authoritative' &&
        report.status !== null &&
        current.hintClaim !== null &&
        claimVerdict(current.hintClaim.status, report.status) !== 'undecided';
      // A success (or any move) for another sum than the registration's is held back.
      const heldBack =
        evidence.verification.trust !== 'hint' &&
        report.status !== null &&
        report.amount !== undefined &&
        amountDisagreement(current.expected?.amount, report.amount) !== null &&
        canTransition(current.status, report.status)
          ? {
              status: report.status,
              amount: report.amount,
              deliveryKey: evidence.deliveryKey,
              channel: evidence.channel,
              at: evidence.receivedAt,
              providerAt: providerTimeOf(report.occurredAt, evidence.receivedAt) ?? null,
            }
          : (current.heldBack ?? null);
      const earlier = current.earlierHintClaims ?? [];
      const displaced =
        hintOfAMove && current.hintClaim !== null && current.hintClaim.status !== report.status
          ? [current.hintClaim]
          : [];
      const earlierHintClaims = [
        ...earlier.filter(
          (claim) =>
            !displaced.some((other) => other.status === claim.status) &&
            claim.status !== report.status,
        ),
        ...displaced,
      ].filter(
        (claim) =>
          !(
            evidence.verification.trust === 'authoritative' &&
            report.status !== null &&
            claimVerdict(claim.status, report.status) !== 'undecided'
          ),
      );
      return {
        ...current,
        heldBack,
        hintClaim: hintOfAMove
          ? { status: report.status, deliveryKey: evidence.deliveryKey, at: evidence.receivedAt }
          : settlesClaim
            ? null
            : current.hintClaim,
        ...(earlierHintClaims.length > 0 || earlier.length > 0 ? { earlierHintClaims } : {}),
        seenDeliveryKeys,
        reportedAmount:
          report.amount === undefined
            ? current.reportedAmount
            : { amount: report.amount, deliveryKey: evidence.deliveryKey },
        orderId: current.orderId ?? report.orderId ?? null,
        awaitingConfirmation:
          evidence.verification.trust === 'authoritative'
            ? false
            : current.awaitingConfirmation || hintOfAMove,
        checks: polled ? current.checks + 1 : current.checks,
        providerObject: current.providerObject ?? report.object ?? null,
        firstEvidence: current.firstEvidence ?? mark(evidence),
        lastEvidence: mark(evidence),
        lastCheckedAt: polled ? evidence.receivedAt : current.lastCheckedAt,
        providerStatus:
          evidence.verification.trust === 'authoritative' && report.status !== null
            ? report.status
            : current.providerStatus,
        updatedAt: evidence.receivedAt,
      };
    }
    case 'PaymentStatusChanged':
    case 'PaymentStatusCorrected': {
      const { payment, to, deliveryKey, channel } = event.data;
      const at =
        event.type === 'PaymentStatusChanged' ? event.data.changedAt : event.data.correctedAt;
      const current = known(state, payment, at);
      return {
        ...current,
        status: to,
        statusAt: event.data.providerAt ?? at,
        heldBack: null,
        statusOrigin: { deliveryKey, channel, at },
        hintClaim: current.hintClaim?.status === to ? null : current.hintClaim,
        ...(current.earlierHintClaims === undefined
          ? {}
          : {
              earlierHintClaims: current.earlierHintClaims.filter((claim) => claim.status !== to),
            }),
        updatedAt: at,
      };
    }
    case 'DiscrepancyDetected': {
      const { payment, discrepancy, detectedAt } = event.data;
      const current = known(state, payment, detectedAt);
      return {
        ...current,
        openDiscrepancies: [
          ...current.openDiscrepancies.filter((open) => open.id !== discrepancy.id),
          { ...discrepancy, openedAt: detectedAt, acknowledged: null },
        ],
        resolvedByOperator: current.resolvedByOperator.filter((id) => id !== discrepancy.id),
        ...(discrepancy.kind === 'status-contradiction' ? { contradictedAt: detectedAt } : {}),
        updatedAt: detectedAt,
      };
    }
    case 'DiscrepancyAcknowledged': {
      const { payment, discrepancyId, actor, note, acknowledgedAt } = event.data;
      const current = known(state, payment, acknowledgedAt);
      return {
        ...current,
        openDiscrepancies: current.openDiscrepancies.map((open) =>
          open.id === discrepancyId
            ? { ...open, acknowledged: { actor, note, at: acknowledgedAt } }
            : open,
        ),
        updatedAt: acknowledgedAt,
      };
    }
    case 'DiscrepancyResolved': {
      const { payment, discrepancyId, resolvedAt, actor, resolution } = event.data;
      const current = known(state, payment, resolvedAt);
      const resolved = current.openDiscrepancies.find((open) => open.id === discrepancyId);
      const byPerson =
        actor === undefined || resolved === undefined || !isOperatorResolution(resolution)
          ? []
          : [
              {
                discrepancyId,
                kind: resolved.kind,
                theirs: resolved.theirs,
                resolution,
                actor,
                resolvedAt,
              },
            ];
      return {
        ...current,
        openDiscrepancies: current.openDiscrepancies.filter((open) => open.id !== discrepancyId),
        resolvedByOperator:
          actor === undefined
            ? current.resolvedByOperator
            : [...current.resolvedByOperator.filter((id) => id !== discrepancyId), discrepancyId],
        operatorResolutions: [...(current.operatorResolutions ?? []), ...byPerson],
        updatedAt: resolvedAt,
      };
    }
    case 'ProviderAmountAccepted': {
      const { payment, to, acceptedAt } = event.data;
      const current = known(state, payment, acceptedAt);
      return {
        ...current,
        expected: { ...(current.expected ?? {}), amount: to },
        updatedAt: acceptedAt,
      };
    }
    case 'StatusCheckFailed': {
      const { payment, checkedAt } = event.data;
      const current = known(state, payment, checkedAt);
      return { ...current, checks: current.checks + 1, lastCheckedAt: checkedAt };
    }
    case 'FulfilmentRequested': {
      const { payment, key, from, to, requestedAt } = event.data;
      const current = known(state, payment, requestedAt);
      return {
        ...current,
        fulfilments: [
          ...current.fulfilments,
          {
            key,
            from,
            to,
            status: 'requested',
            attempts: 0,
            nextAttemptAt: requestedAt,
            requestedAt,
          },
        ],
      };
    }
    case 'FulfilmentAttemptFailed': {
      const { payment, key, attempt, failedAt, nextAttemptAt } = event.data;
      return withFulfilment(known(state, payment, failedAt), key, (fulfilment) => ({
        ...fulfilment,
        attempts: attempt,
        nextAttemptAt,
      }));
    }
    case 'FulfilmentDelivered': {
      const { payment, key, attempt, deliveredAt } = event.data;
      return withFulfilment(known(state, payment, deliveredAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'delivered',
        attempts: attempt,
        nextAttemptAt: null,
      }));
    }
    case 'FulfilmentExhausted': {
      const { payment, key, attempts, exhaustedAt } = event.data;
      return withFulfilment(known(state, payment, exhaustedAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'exhausted',
        attempts,
        nextAttemptAt: null,
      }));
    }
    case 'FulfilmentRedriven': {
      const { payment, key, redrivenAt } = event.data;
      return withFulfilment(known(state, payment, redrivenAt), key, (fulfilment) => ({
        ...fulfilment,
        status: 'requested',
        attempts: 0,
        nextAttemptAt: redrivenAt,
      }));
    }
  }
};

/** Folds a whole history, oldest first. */
export const foldPayment = (events: Iterable<PaymentEvent>): PaymentState => {
  let state = initialState();
  for (const event of events) state = evolve(state, event);
  return state;
};
