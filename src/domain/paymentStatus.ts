/**
 * The six normalised payment statuses (docs/http.md, "Payment identity").
 *
 * `pending` is the only open status. `success` may still move on to `refunded`; the others are
 * final. The order below is the order in which a payment can move, which is what makes a late
 * report recognisable: a report of a status that comes *before* the current one is late, not a
 * contradiction.
 */
export const paymentStatuses = [
  'pending',
  'success',
  'failed',
  'expired',
  'cancelled',
  'refunded',
] as const;

export type PaymentStatus = (typeof paymentStatuses)[number];

/** A status from which no webhook can move the payment any more. */
export type TerminalStatus = Exclude<PaymentStatus, 'pending'>;

export const isTerminal = (status: PaymentStatus): status is TerminalStatus => status !== 'pending';

/**
 * The forward moves a report may cause: `pending` → any terminal status, `success` → `refunded`.
 */
export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => {
  switch (from) {
    case 'pending':
      return to !== 'pending';
    case 'success':
      return to === 'refunded';
    case 'failed':
    case 'expired':
    case 'cancelled':
    case 'refunded':
      return false;
  }
};

/**
 * True when `earlier` is a status the payment necessarily passed through (or could have passed
 * through) before reaching `current`: a report of it is late, and is evidence, not a contradiction.
 */
export const precedes = (earlier: PaymentStatus, current: PaymentStatus): boolean =>
  earlier !== current && canTransition(earlier, current);
