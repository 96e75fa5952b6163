import { addSeconds } from './instant.js';
import { isTerminal } from './paymentStatus.js';
import type { KnownPayment } from './paymentState.js';

/**
 * When the n-th status check of a payment is due, counted from when payrec first knew of it:
 * at once, then after 1 min, 5 min, 15 min and 1 h, then every 6 h.
 */
export const checkOffsetsSeconds = [0, 60, 5 * 60, 15 * 60, 60 * 60] as const;
export const laterCheckEverySeconds = 6 * 60 * 60;

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
  const contradiction = state.openDiscrepancies.find(
    (open) => open.kind === 'status-contradiction',
  );
  if (contradiction !== undefined) {
    // Asked since it opened and still open: again after the schedule's next step, from then.
    return state.lastCheckedAt !== null && state.lastCheckedAt >= contradiction.openedAt
      ? addSeconds(state.lastCheckedAt, offsetSeconds(state.checks))
      : contradiction.openedAt;
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
  const scheduled = addSeconds(state.createdAt, offsetSeconds(state.checks));
  if (terminal || deadline === undefined) return scheduled;
  if (state.lastCheckedAt !== null && state.lastCheckedAt >= deadline) return null;
  return scheduled > deadline ? later(deadline, state.createdAt) : scheduled;
};
