import { PayrecError, payrecErrorWithCode } from '../domain/index.js';

/**
 * Why a webhook delivery was refused before anything was written. The HTTP adapter maps each
 * code to a status (401 for authentication, 400 for malformed input, …).
 */
export type WebhookRejectionCode =
  | 'PROVIDER_NOT_CONFIGURED'
  | 'MALFORMED_BODY'
  | 'BODY_TOO_COMPLEX'
  | 'SCHEMA_INVALID'
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'INVALID_SIGNATURE'
  | 'TIMESTAMP_OUT_OF_WINDOW'
  | 'MISSING_SECRET'
  | 'INVALID_SECRET'
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'WRONG_ISSUER'
  | 'UNKNOWN_KEY'
  | 'KEYS_UNAVAILABLE';

/**
 * Why an API request was refused: the request itself (its size, media type, route, query or
 * body), its credentials, a rate limit, or what it asked for.
 */
export type RequestRejectionCode =
  | 'UNAUTHORIZED'
  | 'LOOPBACK_ONLY'
  | 'FORBIDDEN'
  | 'INVALID_QUERY'
  | 'INVALID_BODY'
  | 'RATE_LIMITED'
  | 'ROUTE_NOT_FOUND'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_CONFLICT'
  | 'NOT_FOUND'
  | 'NOT_EXHAUSTED'
  | 'DISCREPANCY_NOT_FOUND'
  | 'DISCREPANCY_RESOLVED'
  | 'NOT_ACCEPTABLE'
  | 'MALFORMED_REQUEST'
  | 'MALFORMED_URL'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'REQUEST_ABORTED'
  | 'SHUTTING_DOWN';

/** A refusal whose code says why; the families below fix which codes they use. */
abstract class Rejection<Code extends string> extends PayrecError {
  readonly code: Code;
  /** When a refusal for a spent budget lifts, in whole seconds (answered as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: Code,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A webhook delivery refused at the edge; its message says what to fix, never a secret. */
export class WebhookRejected extends Rejection<WebhookRejectionCode> {}

/** An API request refused at the edge. */
export class RequestRejected extends Rejection<RequestRejectionCode> {}

/**
 * A store payrec cannot open at start: the message names the file, the variable that points at
 * it, and what to do.
 */
export class StoreUnavailable extends payrecErrorWithCode('STORE_UNAVAILABLE') {}

/**
 * A write that is recorded, but that the read models did not show within the bound a write
 * route waits (docs/http.md, "What you write, you read"): the lists would not show it yet.
 */
export class ReadModelsBehind extends payrecErrorWithCode('READ_MODELS_BEHIND') {}

/** Configuration that cannot run: the message names each variable and why, never its value. */
export class ConfigInvalid extends payrecErrorWithCode('CONFIG_INVALID') {}

/**
 * A backup, a restore or a migration that did not happen, or stopped: the message says why (the
 * target exists, the disk is full, a checksum differs, the data directory holds a store) and what
 * was left behind (nothing, unless it says so).
 */
export class BackupFailed extends payrecErrorWithCode('BACKUP_FAILED') {}
