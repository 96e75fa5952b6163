import { formatMoney, type Money } from './money.js';

/**
 * - `status-contradiction`: a report contradicts a terminal state payrec holds;
 * - `amount-mismatch`, `currency-mismatch`: a report disagrees with the registration;
 * - `overdue`: the payment's deadline passed with no final status (for Kraken Pay, which has no
 *   status endpoint, this is all payrec can say; it never expires a payment on its own).
 */
export type DiscrepancyKind =
  'status-contradiction' | 'amount-mismatch' | 'currency-mismatch' | 'overdue';

/**
 * A disagreement a person must look at: what payrec holds (`ours`) against what a report said
 * (`theirs`), naming the evidence on both sides.
 */
export type Discrepancy = Readonly<{
  id: string;
  kind: DiscrepancyKind;
  ours: string;
  theirs: string;
  /** The delivery that disagreed. */
  deliveryKey: string;
  /** The delivery our side rests on, when there is one (the registration has none). */
  ourDeliveryKey: string | null;
}>;

/**
 * Discrepancy ids are made from their content, so the same disagreement reported twice (or in
 * another order) is one discrepancy.
 */
export const discrepancyId = (kind: DiscrepancyKind, ours: string, theirs: string): string =>
  `${kind}:${ours}->${theirs}`;

/** The amount or currency disagreements between an expected and a reported amount. */
export const amountDisagreement = (
  expected: Money | undefined,
  reported: Money | undefined,
): { kind: 'amount-mismatch' | 'currency-mismatch'; ours: string; theirs: string } | null => {
  if (expected === undefined || reported === undefined) return null;
  if (expected.currency !== reported.currency) {
    return { kind: 'currency-mismatch', ours: expected.currency, theirs: reported.currency };
  }
  if (expected.minor !== reported.minor) {
    return { kind: 'amount-mismatch', ours: formatMoney(expected), theirs: formatMoney(reported) };
  }
  return null;
};
