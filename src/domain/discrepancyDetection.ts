import { discrepancyId, type Discrepancy } from './discrepancy.js';
import type { Evidence } from './evidence.js';
import { claimVerdict } from './hintClaim.js';
import type { RecordProviderReport } from './paymentCommands.js';
import type { DiscrepancyDetected, DiscrepancyResolved, PaymentEvent } from './paymentEvents.js';
import type { KnownPayment } from './paymentState.js';
import { isTerminal } from './paymentStatus.js';

/**
 * A discrepancy detected, unless it is open already or a person resolved that very difference
 * (ids are made of the figures, so only a different figure opens one again).
 */
export const detected = (
  state: KnownPayment | null,
  discrepancy: Omit<Discrepancy, 'id'>,
  payment: KnownPayment['payment'],
  detectedAt: string,
): DiscrepancyDetected[] => {
  const id = discrepancyId(discrepancy.kind, discrepancy.ours, discrepancy.theirs);
  if (state?.openDiscrepancies.some((open) => open.id === id)) return [];
  // A person's decision sticks: the same difference reported again (or, for an overdue payment,
  // time passing) is no new evidence. Ids are made of the figures, so only a different figure
  // opens a discrepancy again, and it then says how the last one of its kind was resolved.
  if (state?.resolvedByOperator.includes(id)) return [];
  const previous = state?.operatorResolutions?.findLast((one) => one.kind === discrepancy.kind);
  const previouslyResolved =
    previous === undefined
      ? {}
      : {
          previouslyResolved: {
            discrepancyId: previous.discrepancyId,
            theirs: previous.theirs,
            resolution: previous.resolution,
            actor: previous.actor,
            resolvedAt: previous.resolvedAt,
          },
        };
  return [
    {
      type: 'DiscrepancyDetected',
      data: { payment, discrepancy: { id, ...discrepancy, ...previouslyResolved }, detectedAt },
    },
  ];
};

/** The open status contradictions, resolved by the status endpoint's word. */
export const resolveStatusContradictions = (
  state: KnownPayment,
  evidence: Evidence,
  resolution: DiscrepancyResolved['data']['resolution'],
): DiscrepancyResolved[] =>
  state.openDiscrepancies
    .filter((open) => open.kind === 'status-contradiction')
    .map((open) => ({
      type: 'DiscrepancyResolved',
      data: {
        payment: state.payment,
        discrepancyId: open.id,
        resolution,
        deliveryKey: evidence.deliveryKey,
        resolvedAt: evidence.receivedAt,
      },
    }));

/** The id of the first discrepancy `events` detect. */
export const firstDetected = (events: readonly PaymentEvent[]): string | undefined =>
  events.find((event) => event.type === 'DiscrepancyDetected')?.data.discrepancy.id;

/**
 * Every hint claim the status endpoint denies (`claimVerdict`): the last hint's, and those of
 * earlier hints a later one displaced before any check. Each discrepancy names its hint.
 */
export const deniedHint = (
  current: KnownPayment | null,
  command: RecordProviderReport,
): DiscrepancyDetected[] => {
  const { payment, report, evidence } = command.data;
  if (
    current === null ||
    evidence.verification.trust !== 'authoritative' ||
    report.status === null
  ) {
    return [];
  }
  const answered = report.status;
  const claims = [
    ...(current.earlierHintClaims ?? []),
    ...(current.hintClaim ? [current.hintClaim] : []),
  ];
  return claims
    .filter((claim) => claimVerdict(claim.status, answered) === 'denied')
    .flatMap((claim) =>
      detected(
        current,
        {
          kind: 'contradicted-hint',
          ours: claim.status,
          theirs: answered,
          deliveryKey: evidence.deliveryKey,
          ourDeliveryKey: claim.deliveryKey,
        },
        payment,
        evidence.receivedAt,
      ),
    );
};

/** The overdue discrepancy of a payment still open at `at`, past its deadline; none otherwise. */
export const overdue = (
  state: KnownPayment,
  status: KnownPayment['status'],
  at: string,
): DiscrepancyDetected[] => {
  const deadline = state.expected?.expiresAt;
  // Instants are ISO-8601 UTC strings of one format (toISOString), so they compare as strings.
  if (deadline === undefined || isTerminal(status) || at < deadline) return [];
  return detected(
    state,
    {
      kind: 'overdue',
      ours: status,
      theirs: `no final status by ${deadline}`,
      deliveryKey: `overdue@${at}`,
      ourDeliveryKey: state.statusOrigin?.deliveryKey ?? null,
    },
    state.payment,
    at,
  );
};

/** Open overdue discrepancies resolved by a final status after all. */
export const settled = (
  state: KnownPayment,
  deliveryKey: string,
  at: string,
): DiscrepancyResolved[] =>
  state.openDiscrepancies
    .filter((open) => open.kind === 'overdue')
    .map((open) => ({
      type: 'DiscrepancyResolved',
      data: {
        payment: state.payment,
        discrepancyId: open.id,
        resolution: 'settled',
        deliveryKey,
        resolvedAt: at,
      },
    }));
