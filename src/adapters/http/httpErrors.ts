import { PayrecError } from '../../domain/index.js';

/** What a rejected request is answered with (INTERFACE.md: `{code, reason}`). */
export type ErrorAnswer = Readonly<{ status: number; code: string; reason: string }>;

/**
 * The one table from error codes to HTTP statuses. Domain codes never carry a status
 * themselves (STYLE.md §5); anything not listed is a 500 with a generic reason.
 */
const statusByCode: Readonly<Record<string, number>> = {
  CONFIG_INVALID: 500,
  EVENT_STORE_FAILED: 503,
  EVENT_STORE_CLOSED: 503,
  PROVIDER_UNAVAILABLE: 502,
  STREAM_CONFLICT: 503,
  PROVIDER_NOT_CONFIGURED: 404,
  MALFORMED_BODY: 400,
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
  INVALID_QUERY: 400,
  INVALID_BODY: 400,
  RATE_LIMITED: 429,
};

/** Reasons for 5xx codes that are safe to show (the error's own message stays in the log). */
const publicReasons: Readonly<Record<string, string>> = {
  KEYS_UNAVAILABLE: 'The provider key set could not be fetched; retry the delivery later.',
};

/** Fastify's own errors for the limits checked before any handler runs. */
const fastifyErrors: Readonly<Record<string, ErrorAnswer>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'BODY_TOO_LARGE',
    reason: 'The request body is larger than this route accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    reason: 'This route does not accept that Content-Type.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_BODY',
    reason: 'The body is empty but the Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_BODY',
    reason: 'The body is not valid JSON.',
  },
};

const internal: ErrorAnswer = {
  status: 500,
  code: 'INTERNAL_ERROR',
  reason: 'payrec could not handle the request; the details are in its log.',
};

const hasCode = (error: unknown): error is { code: string } =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { code?: unknown }).code === 'string';

/** Maps any thrown value to the answer the client gets. Never echoes input or secrets. */
export const toErrorAnswer = (error: unknown): ErrorAnswer => {
  if (error instanceof PayrecError) {
    const status = statusByCode[error.code];
    if (status === undefined) return internal;
    if (status < 500) return { status, code: error.code, reason: error.message };
    return {
      status,
      code: error.code,
      reason: publicReasons[error.code] ?? 'payrec is not ready to record this now; retry later.',
    };
  }
  if (hasCode(error)) {
    const known = fastifyErrors[error.code];
    if (known) return known;
    if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return {
        status: 400,
        code: 'MALFORMED_BODY',
        reason: 'The Content-Length does not match the body.',
      };
    }
  }
  return internal;
};
