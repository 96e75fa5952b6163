import type { Leases } from './leases.js';

/**
 * The event store port: streams with an expected revision, one global ordered log, and
 * catch-up subscriptions to it. Implemented by the embedded SQLite store (the default) and by
 * EventStoreDB; one contract suite (`test/contract/eventStore.contract.ts`) holds both to it.
 */

/** JSON as stored: what `JSON.parse` can return. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

/** An event to append. `id` is a UUID; appending the same ids again is a no-op. */
export type NewEvent = Readonly<{
  id: string;
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
  /**
   * For a migration only: when the event was first recorded, in the store it comes from, kept
   * as its `recordedAt` here. Absent: the store records the time of the append.
   */
  recordedAt?: string;
}>;

/** An event as stored. Revisions count from 0 within a stream; positions grow across the log. */
export type RecordedEvent = Readonly<{
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject | null;
  streamName: string;
  revision: bigint;
  globalPosition: bigint;
  recordedAt: string;
}>;

/**
 * What the stream must look like for an append to go through: absent (`'no_stream'`), at an
 * exact revision (a bigint: the revision of its last event), or anything (`'any'`).
 */
export type ExpectedRevision = 'no_stream' | 'any' | bigint;

export type AppendResult =
  | { ok: true; nextRevision: bigint; lastPosition: bigint }
  | { ok: false; code: 'WRONG_EXPECTED_REVISION'; actualRevision: bigint | 'no_stream' };

/** Which events a read of the global log or a subscription delivers. */
export type EventFilter =
  Readonly<{ streamPrefixes: readonly string[] }> | Readonly<{ eventTypes: readonly string[] }>;

export type ReadAllOptions = Readonly<{
  /** Exclusive: deliver events after this position. Absent: from the start of the log. */
  after?: bigint;
  maxCount: number;
  filter?: EventFilter;
}>;

export type SubscribeOptions = Readonly<{
  /** Exclusive checkpoint: deliver events after this position. Absent: from the start. */
  after?: bigint;
  /**
   * Only what is appended from now on (a live watch, no history); `after` is then ignored. The
   * embedded store takes the head when called; EventStoreDB when the server has the request, so
   * a watcher must tolerate missing what is appended while it starts.
   */
  fromEnd?: boolean;
  filter?: EventFilter;
}>;

/**
 * A catch-up subscription: first every stored event after the checkpoint, then new events as
 * they are appended, in global order, until `unsubscribe()`.
 */
export type Subscription = AsyncIterable<RecordedEvent> & {
  unsubscribe: () => Promise<void>;
  /**
   * Where a filtered subscription has got to: every event up to this position was handed over
   * or passed over by the filter. Lets a consumer that is idle report itself at the head of the
   * log, not at its last matching event (so events of other streams never read as lag). Absent
   * where the store cannot tell (EventStoreDB).
   */
  scannedTo?: () => bigint;
};

/**
 * Work done under a role's lease names it and the token it was started with: an append that
 * carries it is refused once another process has taken the role (a newer token), so a holder
 * that was paused past its lease writes nothing stale.
 */
export type Fence = Readonly<{ role: string; token: bigint }>;

export type EventStore = Readonly<{
  /**
   * Appends atomically, if the stream is at `expectedRevision` and, with a `fence`, if the role's
   * lease still has the fence's token. Resolves once the events are durable. A concurrency
   * conflict is an expected outcome and is returned, not thrown; a stale fence rejects with
   * `RoleLost` (nothing is written), I/O failures with the store's errors.
   */
  appendToStream: (
    streamName: string,
    events: readonly NewEvent[],
    options: Readonly<{ expectedRevision: ExpectedRevision; fence?: Fence }>,
  ) => Promise<AppendResult>;
  /** A stream's events in order; an empty array for a stream that does not exist. */
  readStream: (streamName: string) => Promise<RecordedEvent[]>;
  /** A page of the global log in order. */
  readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>;
  subscribeToAll: (options: SubscribeOptions) => Subscription;
  /**
   * How many events the log holds after `position`, when the store can tell cheaply (the
   * embedded store's positions are dense, so this is its head minus `position`); `null` when it
   * cannot (EventStoreDB's positions are byte offsets). Projection lag and rebuild progress are
   * measured with it. Never throws for a position past the head: that is 0 events.
   */
  eventsAfter: (position: bigint) => Promise<number | null>;
  /** The roles' leases, kept beside the log (see `Leases`). */
  leases: Leases;
  /** Whether the store answers (for `/readyz`). Never throws. */
  ping: () => Promise<boolean>;
  /** Finishes in-flight appends, then releases the store. */
  close: () => Promise<void>;
}>;
