import { addSeconds } from './instant.js';
import { isTerminal } from './paymentStatus.js';
import type { KnownPayment } from './paymentState.js';

/**
 * When a payment's status checks are due, counted from when payrec first knew of it: at once,
 * then 1 min, 5 min, 15 min and 1 h after, then every 6 h after the last check.
 */
export const checkOffsetsSeconds = [0, 60, 5 * 60, 15 * 60, 60 * 60] as const;
export const laterCheckEverySeconds = 6 * 60 * 60;

/** The n-th check's offset from the payment's creation. */
const offsetSeconds = (checks: number): number => {
  const early = checkOffsetsSeconds[checks];
  if (early !== undefined) return early;
  const last = checkOffsetsSeconds[checkOffsetsSeconds.length - 1] ?? 0;
  return last + (checks - checkOffsetsSeconds.length + 1) * laterCheckEverySeconds;
};

/**
 * A confirmed success can still be refunded or reversed (KryptoGO `refunded`, KKiaPay
 * `REVERTED`) with no webhook to say so: it is asked again 1, 7 and 30 days after payrec first
 * knew of it, then left alone.
 */
export const refundWatchDays = [1, 7, 30] as const;

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The schedule's next point: the n-th check's offset (a payment checked late catches up), or,
 * if sooner, the first offset from creation after the last check, so that two checks close
 * together (a hint's immediate check and a cycle's, a new holder's after a failover) do not
 * skip a step: found by the simulation (seed 657986), where a doubled first check put the next
 * one five minutes out instead of one.
 */
const nextScheduled = (state: KnownPayment): string => {
  const counted = addSeconds(state.createdAt, offsetSeconds(state.checks));
  const checkedAt = state.lastCheckedAt;
  if (checkedAt === null) return counted;
  const step = checkOffsetsSeconds
    .map((offset) => addSeconds(state.createdAt, offset))
    .find((at) => at > checkedAt);
  return step !== undefined && step < counted ? step : counted;
};

const daysAfter = (at: string, days: number) => addSeconds(at, days * 24 * 60 * 60);

/**
 * When the poller should next ask the provider about this payment, or `null` when it need not:
 * - a payment whose final status the status endpoint has confirmed is done, except that a success
 *   is asked again 1, 7 and 30 days on, for a refund or reversal no webhook reported;
 * - a hint awaiting confirmation is due at once, and so is a verified webhook that contradicts a
 *   final state: the endpoint's answer settles the contradiction (it confirms or corrects); an
 *   answer that settles neither is asked again on the schedule above, never every cycle;
 * - otherwise the schedule above, but never past the deadline: a payment still open at its
 *   deadline gets one final check there, and after it is left to the overdue discrepancy the
 *   decider raises;
 * - a provider with no status endpoint (Kraken Pay) is due once, at the deadline, to be flagged if
 *   still open.
 */
export const nextCheckAt = (state: KnownPayment, hasStatusEndpoint: boolean): string | null => {
  const terminal = isTerminal(state.status);
  const deadline = state.expected?.expiresAt;
  const overdueFlagged = state.openDiscrepancies.some((open) => open.kind === 'overdue');
  if (!hasStatusEndpoint) {
    return terminal || deadline === undefined || overdueFlagged ? null : deadline;
  }
  // A report contradicted a final state: due until the endpoint has been asked since, even if a
  // person closed the discrepancy first (the status is still the endpoint's to settle).
  const contradictedAt =
    state.contradictedAt ??
    state.openDiscrepancies.find((open) => open.kind === 'status-contradiction')?.openedAt;
  if (contradictedAt !== undefined) {
    const checkedAt = state.lastCheckedAt;
    if (checkedAt === null || checkedAt < contradictedAt) return contradictedAt;
    // Asked since and still open: again after the schedule's next step, from then.
    if (state.openDiscrepancies.some((open) => open.kind === 'status-contradiction')) {
      return addSeconds(checkedAt, offsetSeconds(state.checks));
    }
  }
  if (terminal && state.providerStatus === state.status && !state.awaitingConfirmation) {
    if (state.status !== 'success') return null;
    const checkedAt = state.lastCheckedAt ?? state.updatedAt;
    return (
      refundWatchDays
        .map((days) => daysAfter(state.createdAt, days))
        .find((at) => at > checkedAt) ?? null
    );
  }
  if (state.awaitingConfirmation) return state.updatedAt;
  const scheduled = nextScheduled(state);
  if (terminal || deadline === undefined) return scheduled;
  if (state.lastCheckedAt !== null && state.lastCheckedAt >= deadline) return null;
  return scheduled > deadline ? later(deadline, state.createdAt) : scheduled;
};
