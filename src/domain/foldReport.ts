import { amountDisagreement } from './discrepancy.js';
import type { Evidence } from './evidence.js';
import { claimVerdict } from './hintClaim.js';
import type { ProviderReportRecorded } from './paymentEvents.js';
import type { EvidenceMark, HeldBackReport, HintClaim, KnownPayment } from './paymentState.js';
import { canTransition, precedes } from './paymentStatus.js';
import { providerTimeOf } from './providerTime.js';

type Report = ProviderReportRecorded['data']['report'];

const mark = (evidence: Evidence): EvidenceMark => ({
  deliveryKey: evidence.deliveryKey,
  channel: evidence.channel,
  at: evidence.receivedAt,
  method: evidence.verification.method,
});

/** A hint that claims a move from where the payment is (not back to an earlier status). */
const isHintOfAMove = (
  current: KnownPayment,
  report: Report,
  evidence: Evidence,
): report is Report & { status: NonNullable<Report['status']> } =>
  evidence.verification.trust === 'hint' &&
  report.status !== null &&
  report.status !== current.status &&
  !precedes(report.status, current.status);

/** A success (or any move) for another sum than the registration's is held back. */
const heldBackAfter = (
  current: KnownPayment,
  report: Report,
  evidence: Evidence,
): HeldBackReport | null =>
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

/**
 * The hint claims after a report: a hint of a move becomes the claim (displacing a claim of
 * another move into the earlier ones); an authoritative answer settles every claim it confirms or
 * denies; anything else leaves them standing.
 */
const hintClaimsAfter = (
  current: KnownPayment,
  report: Report,
  evidence: Evidence,
): Pick<KnownPayment, 'hintClaim' | 'earlierHintClaims'> => {
  const authoritative = evidence.verification.trust === 'authoritative';
  const hintOfAMove = isHintOfAMove(current, report, evidence);
  const settles = (claim: HintClaim): boolean =>
    authoritative &&
    report.status !== null &&
    claimVerdict(claim.status, report.status) !== 'undecided';
  const earlier = current.earlierHintClaims ?? [];
  const displaced =
    hintOfAMove && current.hintClaim !== null && current.hintClaim.status !== report.status
      ? [current.hintClaim]
      : [];
  const earlierHintClaims = [
    ...earlier.filter(
      (claim) =>
        !displaced.some((other) => other.status === claim.status) && claim.status !== report.status,
    ),
    ...displaced,
  ].filter((claim) => !settles(claim));
  return {
    hintClaim: hintOfAMove
      ? { status: report.status, deliveryKey: evidence.deliveryKey, at: evidence.receivedAt }
      : current.hintClaim !== null && settles(current.hintClaim)
        ? null
        : current.hintClaim,
    ...(earlierHintClaims.length > 0 || earlier.length > 0 ? { earlierHintClaims } : {}),
  };
};

/** A hint of a move makes the payment await the status endpoint; the endpoint's answer ends it. */
const awaitingAfter = (current: KnownPayment, report: Report, evidence: Evidence): boolean =>
  evidence.verification.trust === 'authoritative'
    ? false
    : current.awaitingConfirmation || isHintOfAMove(current, report, evidence);

/** Folds what a provider said (a delivery or a status check) into the payment. */
export const withReportRecorded = (
  current: KnownPayment,
  { report, evidence }: ProviderReportRecorded['data'],
): KnownPayment => {
  const polled = evidence.channel === 'poll';
  return {
    ...current,
    heldBack: heldBackAfter(current, report, evidence),
    ...hintClaimsAfter(current, report, evidence),
    seenDeliveryKeys: new Set(current.seenDeliveryKeys).add(evidence.deliveryKey),
    reportedAmount:
      report.amount === undefined
        ? current.reportedAmount
        : { amount: report.amount, deliveryKey: evidence.deliveryKey },
    orderId: current.orderId ?? report.orderId ?? null,
    awaitingConfirmation: awaitingAfter(current, report, evidence),
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
};
