import type { Money } from './money.js';
import type { PaymentStatus } from './paymentStatus.js';

/** How a report reached payrec. */
export type Channel = 'webhook' | 'poll' | 'api';

/**
 * How far a report may move a payment:
 * - `authoritative`: the provider's status endpoint, the source of truth; it may correct a
 *   terminal state.
 * - `verified`: a webhook whose signature or token verified; it moves a payment forward only.
 * - `hint`: recorded but moves nothing until the status endpoint confirms it (an unsigned
 *   KryptoGO callback, a replayable KKiaPay delivery).
 */
export type Trust = 'authoritative' | 'verified' | 'hint';

/** Which check let the report in. Never holds a secret, a signature or a key. */
export type VerificationMethod =
  'es256-jwt' | 'hmac-sha256' | 'shared-secret' | 'unsigned' | 'status-api' | 'api-token';

export type Verification = Readonly<{
  method: VerificationMethod;
  trust: Trust;
  /** What was checked, for the audit trail: `"kid=test-pay-callback-1"`, `"v1 matched current secret"`. */
  detail?: string;
}>;

/**
 * Where a report came from. `deliveryKey` identifies the delivery across repeats (a provider
 * retry or a replayed request has the same key), which is what makes a repeat decide nothing.
 */
export type Evidence = Readonly<{
  deliveryKey: string;
  /** The stored delivery (raw body and headers) this report was read from, when there is one. */
  deliveryId?: string;
  channel: Channel;
  receivedAt: string;
  verification: Verification;
  /**
   * What arrived, byte for byte (as UTF-8 text), with the headers verification used, so the
   * delivery can be re-verified and replayed. Never holds a secret; may hold a signature.
   */
  received?: Readonly<{ body: string; headers: Readonly<Record<string, string>> }>;
}>;

/** What a provider said about a payment, in its own words and normalised. */
export type ProviderReport = Readonly<{
  /** Which field the value came from: `"payload.status"`, `"event_type"`, `"quote.status"`, … */
  vocabulary: string;
  /** The provider's own value, verbatim. */
  providerStatus: string;
  /** The normalised status, or `null` when the value moves nothing or is unknown. */
  status: PaymentStatus | null;
  amount?: Money;
  orderId?: string;
  /** What the report is about, when the provider has several kinds (`quote`, `deposit`, …). */
  object?: string;
  /** When the provider says it happened, if it says. */
  occurredAt?: string;
}>;
