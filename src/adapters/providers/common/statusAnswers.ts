import type { ProviderResponse, StatusCheckOutcome } from '../../../domain/ports/index.js';

/** An answer that is not the documented shape or status: evidence, never a guess. */
export const unreadable = (response: ProviderResponse, reason: string): StatusCheckOutcome => ({
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
export const jsonOf = (response: ProviderResponse): unknown => {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
};
