import { isOperatorResolution } from './discrepancy.js';
import type {
  DiscrepancyAcknowledged,
  DiscrepancyDetected,
  DiscrepancyResolved,
} from './paymentEvents.js';
import type { KnownPayment, ResolvedByOperator } from './paymentState.js';

/**
 * A discrepancy opens (again, if it was resolved: it leaves the resolved ones); a status
 * contradiction also marks when, so the payment stays due until the endpoint is asked after it.
 */
export const withDiscrepancyDetected = (
  current: KnownPayment,
  { discrepancy, detectedAt }: DiscrepancyDetected['data'],
): KnownPayment => ({
  ...current,
  openDiscrepancies: [
    ...current.openDiscrepancies.filter((open) => open.id !== discrepancy.id),
    { ...discrepancy, openedAt: detectedAt, acknowledged: null },
  ],
  resolvedByOperator: current.resolvedByOperator.filter((id) => id !== discrepancy.id),
  ...(discrepancy.kind === 'status-contradiction' ? { contradictedAt: detectedAt } : {}),
  updatedAt: detectedAt,
});

/** A person has seen an open discrepancy: it stays open, with their name and note. */
export const withDiscrepancyAcknowledged = (
  current: KnownPayment,
  { discrepancyId, actor, note, acknowledgedAt }: DiscrepancyAcknowledged['data'],
): KnownPayment => ({
  ...current,
  openDiscrepancies: current.openDiscrepancies.map((open) =>
    open.id === discrepancyId
      ? { ...open, acknowledged: { actor, note, at: acknowledgedAt } }
      : open,
  ),
  updatedAt: acknowledgedAt,
});

/**
 * A discrepancy closes. Closed by a person, it is remembered as theirs, with how they resolved
 * it, so that the same difference reported again does not reopen it.
 */
export const withDiscrepancyResolved = (
  current: KnownPayment,
  { discrepancyId, resolvedAt, actor, resolution }: DiscrepancyResolved['data'],
): KnownPayment => {
  const resolved = current.openDiscrepancies.find((open) => open.id === discrepancyId);
  const byPerson: ResolvedByOperator[] =
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
};
