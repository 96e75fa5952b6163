import { formatMoney, type Money } from './money.js';

/**
 * - `status-contradiction`: a report contradicts a terminal state payrec holds;
 * - `amount-mismatch`, `currency-mismatch`: a report disagrees with the registration;
 * - `overdue`: the payment's deadline passed with no final status (for Kraken Pay, which has no
 *   status endpoint, this is all payrec can say; it never expires a payment on its own);
 * - `contradicted-hint`: the status endpoint denied what a hint (an unsigned KryptoGO callback, a
 *   KKiaPay delivery) claimed: a forgery, a leaked secret, or a provider that changed its mind.
 */
export type DiscrepancyKind =
  | 'status-contradiction'
  | 'amount-mismatch'
  | 'currency-mismatch'
  | 'overdue'
  | 'contradicted-hint';

/** The kinds finance sees: a currency mismatch is an amount mismatch on the `currency` field. */
export const publicDiscrepancyKinds = [
  'status-contradiction',
  'amount-mismatch',
  'overdue',
  'contradicted-hint',
] as const;
export type PublicDiscrepancyKind = (typeof publicDiscrepancyKinds)[number];

/** A kind as finance sees it, in every list and on every page alike. */
export const publicKindOf = (kind: DiscrepancyKind): PublicDiscrepancyKind =>
  kind === 'currency-mismatch' ? 'amount-mismatch' : kind;

/** The field on which payrec and the provider disagree, for each kind. */
export const differingFieldOf: Readonly<Record<DiscrepancyKind, string>> = {
  'status-contradiction': 'status',
  'amount-mismatch': 'amount',
  'currency-mismatch': 'currency',
  overdue: 'status',
  'contradicted-hint': 'status',
};

/** How a person closes a discrepancy (`POST /discrepancies/{id}/resolve`). */
export const operatorResolutions = [
  'accepted-provider',
  'refunded-outside',
  'written-off',
  'other',
] as const;
export type OperatorResolution = (typeof operatorResolutions)[number];

export const isOperatorResolution = (value: string): value is OperatorResolution =>
  (operatorResolutions as readonly string[]).includes(value);

/**
 * How payrec itself closes one: `confirmed` (the status endpoint confirmed payrec's side),
 * `corrected` (it corrected payrec's side), `settled` (an overdue payment reached a final status).
 */
export type AutomaticResolution = 'confirmed' | 'corrected' | 'settled';

/** Who acknowledged a discrepancy, when, and what they noted. */
export type Acknowledgement = Readonly<{ actor: string; note: string; at: string }>;

/** A discrepancy still open on a payment: when it opened, and whether a person has seen it. */
export type OpenDiscrepancy = Discrepancy &
  Readonly<{ openedAt: string; acknowledged: Acknowledgement | null }>;

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
  /**
   * A discrepancy of the same kind a person resolved before on this payment, when there was one:
   * who, how, when, and the provider's figure then (`theirs` now says what changed).
   */
  previouslyResolved?: PreviousResolution;
}>;

/** How a person resolved an earlier discrepancy of the same kind (see `Discrepancy`). */
export type PreviousResolution = Readonly<{
  discrepancyId: string;
  theirs: string;
  resolution: OperatorResolution;
  actor: string;
  resolvedAt: string;
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
