import { PayrecError } from '../../domain/index.js';
import type { ErrorCode } from '../../errors/index.js';

/** What a rejected request is answered with (`{code, reason}`, and its status). */
export type ErrorAnswer = Readonly<{ status: number; code: ErrorCode; reason: string }>;

/**
 * The one table from error codes to HTTP statuses (codes never carry a status themselves). It is
 * declared over every code payrec has, so a code without a status here fails the type-check
 * instead of becoming a 500.
 */
const statusByCode: Readonly<Record<ErrorCode, number>> = {
  CONFIG_INVALID: 500,
  INTERNAL_ERROR: 500,
  EVENT_STORE_FAILED: 503,
  STORE_FULL: 503,
  STORE_CORRUPT: 503,
  STORE_UNAVAILABLE: 503,
  EVENT_STORE_CLOSED: 503,
  PROVIDER_UNAVAILABLE: 502,
  STREAM_CONFLICT: 503,
  ROLE_LOST: 503,
  PROVIDER_NOT_CONFIGURED: 404,
  MALFORMED_BODY: 400,
  BODY_TOO_COMPLEX: 400,
  SCHEMA_INVALID: 400,
  MISSING_SIGNATURE: 401,
  MALFORMED_SIGNATURE: 401,
  INVALID_SIGNATURE: 401,
  TIMESTAMP_OUT_OF_WINDOW: 401,
  MISSING_SECRET: 401,
  INVALID_SECRET: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  WRONG_ISSUER: 401,
  UNKNOWN_KEY: 401,
  KEYS_UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  LOOPBACK_ONLY: 403,
  FORBIDDEN: 403,
  INVALID_QUERY: 400,
  INVALID_BODY: 400,
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 404,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYMENT_NOT_FOUND: 404,
  PAYMENT_CONFLICT: 409,
  NOT_FOUND: 404,
  NOT_EXHAUSTED: 409,
  DISCREPANCY_NOT_FOUND: 404,
  DISCREPANCY_RESOLVED: 409,
  NOT_ACCEPTABLE: 406,
  MALFORMED_REQUEST: 400,
  MALFORMED_URL: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  SHUTTING_DOWN: 503,
  READ_MODELS_BEHIND: 503,
  // The client is gone; nobody reads this answer, but the log does.
  REQUEST_ABORTED: 400,
};

/** Reasons for 5xx codes that are safe to show (the error's own message stays in the log). */
const publicReasons: Readonly<Partial<Record<ErrorCode, string>>> = {
  KEYS_UNAVAILABLE: 'The provider key set could not be fetched; retry the delivery later.',
  STORE_FULL:
    "payrec's store has no space left; nothing was written. Retry later: payrec recovers by itself when space returns.",
  STORE_CORRUPT:
    "payrec's store is damaged; nothing was written. Retry later: an operator has been told (payrec check).",
  SHUTTING_DOWN:
    'payrec is shutting down; retry the request in a moment (another instance, or this one once restarted).',
  READ_MODELS_BEHIND:
    'What you asked is recorded, but the read models did not show it in time, so the lists may not show it yet; GET /readyz says whether the projections are running. Repeating the request is safe.',
};

/** Fastify's own errors for the limits checked before any handler runs. */
const fastifyErrors: Readonly<Record<string, Readonly<{ code: ErrorCode; reason: string }>>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'BODY_TOO_LARGE',
    reason: 'The request body is larger than this route accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    reason: 'This route does not accept that Content-Type.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'MALFORMED_BODY',
    reason: 'The body is empty but the Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_BODY', reason: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'MALFORMED_BODY',
    reason: 'The Content-Length does not match the body.',
  },
  FST_ERR_BAD_URL: { code: 'MALFORMED_URL', reason: 'The URL is not validly percent-encoded.' },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'URI_TOO_LONG',
    reason: 'A path segment is longer than any payrec accepts.',
  },
  // A client that closed the connection while its body was being read.
  ECONNRESET: { code: 'REQUEST_ABORTED', reason: 'The client aborted the request.' },
  ECONNABORTED: { code: 'REQUEST_ABORTED', reason: 'The client aborted the request.' },
};

const internal: ErrorAnswer = {
  status: statusByCode.INTERNAL_ERROR,
  code: 'INTERNAL_ERROR',
  reason: 'payrec could not handle the request; the details are in its log.',
};

const hasCode = (error: unknown): error is { code: string } =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { code?: unknown }).code === 'string';

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(statusByCode, code);

/** Maps any thrown value to the answer the client gets. Never echoes input or secrets. */
export const toErrorAnswer = (error: unknown): ErrorAnswer => {
  if (error instanceof PayrecError) {
    if (!isErrorCode(error.code)) return internal;
    const status = statusByCode[error.code];
    if (status < 500) return { status, code: error.code, reason: error.message };
    return {
      status,
      code: error.code,
      reason: publicReasons[error.code] ?? 'payrec is not ready to record this now; retry later.',
    };
  }
  if (hasCode(error)) {
    const known = fastifyErrors[error.code];
    if (known) return { status: statusByCode[known.code], ...known };
  }
  return internal;
};
