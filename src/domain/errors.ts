/**
 * Every error payrec raises derives from `PayrecError`: a stable string `code` (never an HTTP
 * status; the HTTP adapter maps codes to statuses in one table), `name` from the constructor,
 * and `cause` passed through. Messages say what was wrong and how to fix it, and never carry a
 * secret, a signature or a whole body.
 */
export abstract class PayrecError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration that cannot run: the message names each variable and why, never its value. */
export class ConfigInvalid extends PayrecError {
  readonly code = 'CONFIG_INVALID';
}

/** The event store failed for a reason other than a concurrency conflict (I/O, corruption…). */
export class EventStoreFailed extends PayrecError {
  readonly code = 'EVENT_STORE_FAILED';
}

/** A command kept meeting concurrent writers after every retry. */
export class StreamConflict extends PayrecError {
  readonly code = 'STREAM_CONFLICT';
}

/** The store is closing or closed; the caller should retry against a running instance. */
export class EventStoreClosed extends PayrecError {
  readonly code = 'EVENT_STORE_CLOSED';
}

/**
 * A provider's status endpoint could not be reached or kept answering 408/429/5xx through every
 * retry. Nothing is recorded: the payment stays due and the next cycle asks again.
 */
export class ProviderUnavailable extends PayrecError {
  readonly code = 'PROVIDER_UNAVAILABLE';
}

/**
 * Why a webhook delivery was refused before anything was written. The HTTP adapter maps each
 * code to a status (401 for authentication, 400 for malformed input, …).
 */
export type WebhookRejectionCode =
  | 'PROVIDER_NOT_CONFIGURED'
  | 'MALFORMED_BODY'
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

/** A refusal whose code says why; the families below fix which codes they use. */
abstract class Rejection<Code extends string> extends PayrecError {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class WebhookRejected extends Rejection<WebhookRejectionCode> {}

/** Why an API request was refused: authentication, query parameters, or a rate limit. */
export type RequestRejectionCode =
  'UNAUTHORIZED' | 'LOOPBACK_ONLY' | 'INVALID_QUERY' | 'INVALID_BODY' | 'RATE_LIMITED';

export class RequestRejected extends Rejection<RequestRejectionCode> {}

export type AnyPayrecError =
  | ConfigInvalid
  | EventStoreFailed
  | StreamConflict
  | EventStoreClosed
  | ProviderUnavailable
  | WebhookRejected
  | RequestRejected;

export type PayrecErrorCode = AnyPayrecError['code'];
