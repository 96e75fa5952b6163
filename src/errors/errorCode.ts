import type { DomainError } from '../domain/index.js';
import type {
  ConfigInvalid,
  ReadModelsBehind,
  RequestRejected,
  StoreUnavailable,
  WebhookRejected,
} from './edgeErrors.js';

/** Every error payrec raises, narrowed on `code`. */
export type AnyPayrecError =
  | DomainError
  | WebhookRejected
  | RequestRejected
  | ConfigInvalid
  | StoreUnavailable
  | ReadModelsBehind;

/**
 * Every code a client or an operator can see: those of payrec's errors, and `INTERNAL_ERROR`
 * for anything else (whose details go only to the log). The HTTP status table is declared over
 * this union, so a new code that has no status fails the type-check.
 */
export type ErrorCode = AnyPayrecError['code'] | 'INTERNAL_ERROR';
