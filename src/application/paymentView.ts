import {
  decimalAmount,
  type EvidenceMark,
  type Fulfilment,
  type KnownPayment,
  type Money,
  type PaymentStatus,
  type PublicDiscrepancyKind,
  differingFieldOf,
  nextCheckAt,
  fulfilmentMessageId,
  publicKindOf,
} from '../domain/index.js';
import { paymentAmount } from '../projections/index.js';

/** A payment as the query API answers it (docs/http.md `GET /payments/{provider}/{ref}`). */
export type PaymentView = Readonly<{
  provider: string;
  ref: string;
  status: PaymentStatus;
  /** What the merchant registered, when it did. */
  expectedAmount: Money | null;
  /** The last amount a provider reported. */
  reportedAmount: Money | null;
  currency: string | null;
  /** The amount the payment is for (the registered one, else the last reported), exactly. */
  amountMinor: string | null;
  /** The same as a decimal string with the currency's exponent: `"300.00"`. */
  amount: string | null;
  orderId: string | null;
  expiresAt: string | null;
  /** The stream revision of the last event: the payment's version. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The delivery and channel behind the current status. */
  statusSource: Readonly<{ channel: string; deliveryKey: string; at: string }> | null;
  awaitingConfirmation: boolean;
  /** The first and the latest evidence recorded for it. */
  firstEvidence: EvidenceMark | null;
  lastEvidence: EvidenceMark | null;
  /** Status-endpoint checks made, and when the poller next asks (`null`: it need not). */
  checks: number;
  nextCheckAt: string | null;
  /**
   * Its open discrepancies, each with the kind finance sees in every list (a currency mismatch is
   * an `amount-mismatch` on the `currency` field) and the field that differs.
   */
  discrepancies: ReadonlyArray<
    Omit<KnownPayment['openDiscrepancies'][number], 'kind'> &
      Readonly<{ kind: PublicDiscrepancyKind; field: string }>
  >;
  /** The notifications to the merchant's backend, each with the `webhook-id` it carries. */
  fulfilments: ReadonlyArray<Fulfilment & Readonly<{ webhookId: string }>>;
}>;

/**
 * The answer for one payment. `hasStatusEndpoint` says whether its provider has a status
 * endpoint, which decides when the poller next asks.
 */
export const paymentView = (
  state: KnownPayment,
  version: number,
  hasStatusEndpoint: boolean,
): PaymentView => {
  const expectedAmount = state.expected?.amount ?? null;
  const reportedAmount = state.reportedAmount?.amount ?? null;
  const amount = paymentAmount(state);
  return {
    provider: state.payment.provider,
    ref: state.payment.ref,
    status: state.status,
    expectedAmount,
    reportedAmount,
    currency: amount?.currency ?? null,
    amountMinor: amount === null ? null : String(amount.minor),
    amount: amount === null ? null : decimalAmount(amount.minor, amount.currency),
    orderId: state.orderId,
    expiresAt: state.expected?.expiresAt ?? null,
    version,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    statusSource: state.statusOrigin
      ? {
          channel: state.statusOrigin.channel,
          deliveryKey: state.statusOrigin.deliveryKey,
          at: state.statusOrigin.at,
        }
      : null,
    awaitingConfirmation: state.awaitingConfirmation,
    firstEvidence: state.firstEvidence,
    lastEvidence: state.lastEvidence,
    checks: state.checks,
    nextCheckAt: nextCheckAt(state, hasStatusEndpoint),
    discrepancies: state.openDiscrepancies.map((discrepancy) => ({
      ...discrepancy,
      kind: publicKindOf(discrepancy.kind),
      field: differingFieldOf[discrepancy.kind],
    })),
    fulfilments: state.fulfilments.map((fulfilment) => ({
      ...fulfilment,
      webhookId: fulfilmentMessageId(state.payment, fulfilment.key),
    })),
  };
};
