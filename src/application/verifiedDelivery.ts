import type { PaymentId, ProviderName, ProviderReport, Verification } from '../domain/index.js';

declare const verifiedBrand: unique symbol;

/** What a delivery said about one payment. */
export type DeliveredReport = Readonly<{ payment: PaymentId; report: ProviderReport }>;

/** The delivery as received, kept so it can be re-verified and replayed. Never holds a secret. */
export type ReceivedDelivery = Readonly<{
  /** The exact body, as UTF-8 text. */
  body: string;
  /** The headers that verification used or that identify the delivery (never a secret one). */
  headers: Readonly<Record<string, string>>;
}>;

/**
 * A delivery whose signature, token or secret checked out. Only the verifiers make one (through
 * `markVerified`), and the ingest handler takes nothing else, so unverified input cannot reach a
 * payment stream.
 */
export type VerifiedDelivery = Readonly<{
  provider: ProviderName;
  /** Identifies the delivery across provider retries: a repeat has the same key. */
  deliveryKey: string;
  receivedAt: string;
  verification: Verification;
  /** Usually one; none for events that concern no payment (a user event, a webhook test). */
  reports: readonly DeliveredReport[];
  received: ReceivedDelivery;
}> & { readonly [verifiedBrand]: true };

/** For verifiers only: brands a delivery whose verification passed. */
export const markVerified = (
  delivery: Omit<VerifiedDelivery, typeof verifiedBrand>,
): VerifiedDelivery => delivery as VerifiedDelivery;
