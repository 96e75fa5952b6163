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

/**
 * The base of an error whose code is fixed:
 * `class StoreFull extends payrecErrorWithCode('STORE_FULL') {}` declares the class, its code
 * and the code's literal type in one line.
 */
export const payrecErrorWithCode = <Code extends string>(code: Code) =>
  class extends PayrecError {
    readonly code: Code = code;
  };

/** The event store failed for a reason other than a concurrency conflict (I/O, corruption…). */
export class EventStoreFailed extends payrecErrorWithCode('EVENT_STORE_FAILED') {}

/**
 * The store has no room left (a full disk): nothing was written. payrec retries by itself and
 * recovers without a restart once space returns; the sender should retry later.
 */
export class StoreFull extends payrecErrorWithCode('STORE_FULL') {}

/**
 * The store found itself damaged (SQLite's `SQLITE_CORRUPT`): nothing was written. payrec
 * answers 503 and is not ready until an operator restores the file (`payrec check` names it).
 */
export class StoreCorrupt extends payrecErrorWithCode('STORE_CORRUPT') {}

/** A command kept meeting concurrent writers after every retry. */
export class StreamConflict extends payrecErrorWithCode('STREAM_CONFLICT') {}

/**
 * Work done under a role's lease tried to write after another process took the role (its fence's
 * token is no longer the lease's): nothing was written. The work stops; the new holder does it.
 */
export class RoleLost extends payrecErrorWithCode('ROLE_LOST') {}

/** The store is closing or closed; the caller should retry against a running instance. */
export class EventStoreClosed extends payrecErrorWithCode('EVENT_STORE_CLOSED') {}

/**
 * A provider's status endpoint could not be reached or kept answering 408/429/5xx through every
 * retry. Nothing is recorded: the payment stays due and the next cycle asks again.
 */
export class ProviderUnavailable extends payrecErrorWithCode('PROVIDER_UNAVAILABLE') {}

/** The errors the domain's ports raise. Errors of the edges (HTTP, configuration) are in `src/errors/`. */
export type DomainError =
  | EventStoreFailed
  | StoreFull
  | StoreCorrupt
  | StreamConflict
  | RoleLost
  | EventStoreClosed
  | ProviderUnavailable;

export type DomainErrorCode = DomainError['code'];
