import type { StatusCheckFailed } from '../paymentEvents.js';
import type { ProviderReport } from '../evidence.js';

/** What a provider's status endpoint answered: its HTTP status and (an excerpt of) its body. */
export type ProviderResponse = Readonly<{ status: number; body: string }>;

/** What payrec knows of a payment when it asks its provider. */
export type StatusCheckSubject = Readonly<{
  ref: string;
  /**
   * What the provider's reports are about (`quote`, `deposit`, …), when a webhook said; read
   * only by a client that needs it (Kraken Embed), as it costs a read-model lookup.
   */
  object: () => string | null;
}>;

/**
 * What one status check learned: a report read from a documented answer (a "not found" is a
 * report too, with no status), or an answer payrec cannot read, kept as evidence.
 */
export type StatusCheckOutcome =
  | Readonly<{ kind: 'report'; report: ProviderReport; response: ProviderResponse }>
  | Readonly<{
      kind: 'unreadable';
      code: StatusCheckFailed['data']['code'];
      reason: string;
      response: ProviderResponse;
    }>;

/**
 * Asks a provider's status endpoint, the source of truth, about one payment. Each provider
 * module implements one (Kraken Pay has none). Throws `ProviderUnavailable` when the provider
 * cannot be reached.
 */
export type StatusClient = (subject: StatusCheckSubject) => Promise<StatusCheckOutcome>;
