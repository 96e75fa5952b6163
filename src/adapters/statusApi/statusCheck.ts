import type { ProviderReport, StatusCheckFailed } from '../../domain/index.js';
import type { StatusHttpResponse } from './statusHttp.js';

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
  | Readonly<{ kind: 'report'; report: ProviderReport; response: StatusHttpResponse }>
  | Readonly<{
      kind: 'unreadable';
      code: StatusCheckFailed['data']['code'];
      reason: string;
      response: StatusHttpResponse;
    }>;

/** Asks a provider about one payment. Throws `ProviderUnavailable` when it cannot be reached. */
export type StatusClient = (subject: StatusCheckSubject) => Promise<StatusCheckOutcome>;

/** An answer that is not the documented shape or status: evidence, never a guess. */
export const unreadable = (response: StatusHttpResponse, reason: string): StatusCheckOutcome => ({
  kind: 'unreadable',
  code:
    response.status === 401 || response.status === 403
      ? 'UNAUTHORIZED'
      : response.status >= 400
        ? 'REJECTED'
        : 'UNEXPECTED_RESPONSE',
  reason,
  response,
});

/** The body as JSON, or `undefined` when it is not JSON. */
export const jsonOf = (response: StatusHttpResponse): unknown => {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
};
