import { createSqliteLeases } from './sqliteLeases.js';
import Database, { type Statement } from 'better-sqlite3';
import { EventStoreClosed, RoleLost } from '../../../domain/index.js';
import type {
  AppendResult,
  Clock,
  EventStore,
  ExpectedRevision,
  Fence,
  JsonObject,
  Leases,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../domain/ports/index.js';
import { prepareDatabase } from './sqliteSchema.js';
import { reading, storeFailure } from './sqliteStoreFailure.js';
import { toSqlFilter } from './sqliteEventFilter.js';
import { createPollingSubscription } from './pollingSubscription.js';
import { roleLostError, type AppendRequest } from './sqliteAppendBatch.js';
import { createInlineWriter, createWorkerWriter, type SqliteWriter } from './sqliteWriter.js';
import {
  leaveCheckpointsToBackfill,
  startWalBackfill,
  type WalBacklog,
} from '../../common/sqliteWalBackfill.js';

export type SqliteEventStoreOptions = Readonly<{
  /** The database file; `':memory:'` for a throw-away store. */
  path: string;
  clock?: Clock;
  /**
   * How often a subscription looks for events appended by *other* processes on the same file;
   * appends from this process wake subscriptions at once. Default 100 ms.
   */
  pollIntervalMs?: number;
  /**
   * Where commits run. `'inline'` (the default, and the service's) commits on the calling
   * thread. `'thread'` commits on a worker thread that owns a second connection, so the event
   * loop keeps parsing requests while a batch is fsynced, at the price of copying every batch to
   * the thread and waking it. Measured on the 2-core machine, once the WAL was backfilled off
   * the append path (`checkpointIntervalMs`): `bench:ingest` about 9,400 Kraken Embed and
   * 6,300–6,700 Kraken Pay deliveries/s inline against 8,500 and 5,000 thread (each delivery
   * cost about 20 µs less CPU inline, and CPU is what two cores run out of first); p99 22 ms
   * against 21 ms. `bench:store` prints both. `':memory:'` is always inline.
   */
  writer?: 'thread' | 'inline';
  /**
   * When set, this connection copies committed WAL frames into the database file every so many
   * ms (`startWalBackfill`). Meant for a connection on a background thread, the projection
   * thread's: a commit then no longer carries SQLite's automatic 16 MiB checkpoint, which had held
   * up every append of its batch by tens of ms at the ingest p99. A failing checkpoint throws
   * from its timer: on the projection thread that ends the thread, which is logged and restarted.
   */
  checkpointIntervalMs?: number;
  /** Told when a background checkpoint fails (a full disk), and with `null` when one succeeds again. */
  onCheckpointError?: (error: unknown) => void;
  /**
   * Another connection to the file copies its WAL in the background (`checkpointIntervalMs`: the
   * service's projection thread does). The connections this store writes with then checkpoint
   * only past a larger WAL (`leaveCheckpointsToBackfill`), so that commits seldom stop to copy
   * what the background has not copied yet.
   */
  backfilledElsewhere?: boolean;
  /**
   * Shared between the connection that backfills (`checkpointIntervalMs`) and the ones that
   * write (`backfilledElsewhere`), on other threads: what the backfill has left to copy. Writers
   * stop checkpointing while it is large (after a backup's snapshot is released) and leave that
   * copy to the backfill's thread (`leaveCheckpointsToBackfill`).
   */
  backfillBacklog?: WalBacklog;
}>;

type EventRow = {
  global_position: number;
  event_id: string;
  stream_name: string;
  stream_revision: number;
  event_type: string;
  data: string;
  metadata: string | null;
  recorded_at: string;
};

type PendingAppend = Readonly<{
  request: AppendRequest;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}>;

const serialize = (
  streamName: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
  fence: Fence | undefined,
): AppendRequest => ({
  streamName,
  expectedRevision,
  ...(fence === undefined ? {} : { fence: { role: fence.role, token: fence.token.toString() } }),
  events: events.map((event) => ({
    id: event.id,
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: event.metadata === undefined ? null : JSON.stringify(event.metadata),
    ...(event.recordedAt === undefined ? {} : { recordedAt: event.recordedAt }),
  })),
});

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.event_type,
  data: JSON.parse(row.data) as JsonObject,
  metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as JsonObject),
  streamName: row.stream_name,
  revision: BigInt(row.stream_revision),
  globalPosition: BigInt(row.global_position),
  recordedAt: row.recorded_at,
});

const systemClock: Clock = { now: () => new Date() };

/**
 * The embedded event store on better-sqlite3 (the default store). Appends made in the same turn
 * of the event loop are committed together in one durable transaction (group commit), each with
 * its own expected-revision check, so durability costs one fsync per batch, not per event.
 *
 * @example
 * const store = openSqliteEventStore({ path: './data/events.db' });
 * await store.appendToStream('payment-kkiapay/abc', [event], { expectedRevision: 'no_stream' });
 */
export class SqliteEventStore implements EventStore {
  readonly #db: Database.Database;
  readonly #writer: SqliteWriter;
  readonly leases: Leases;
  readonly #clock: Clock;
  readonly #pollIntervalMs: number;
  readonly #statements: {
    readStream: Statement<[string], EventRow>;
    head: Statement<[], { head: number | null }>;
  };
  readonly #readAllStatements = new Map<string, Statement<unknown[], EventRow>>();
  readonly #waiters = new Set<() => void>();
  readonly #stopBackfill: () => void;
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #committing = false;
  #closed = false;

  constructor(options: SqliteEventStoreOptions) {
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError('SqliteEventStore: "path" must be a non-empty file path or ":memory:"');
    }
    const pollIntervalMs = options.pollIntervalMs ?? 100;
    if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1) {
      throw new TypeError('SqliteEventStore: "pollIntervalMs" must be a positive integer');
    }
    const checkpointIntervalMs = options.checkpointIntervalMs;
    if (
      checkpointIntervalMs !== undefined &&
      (!Number.isInteger(checkpointIntervalMs) || checkpointIntervalMs < 1)
    ) {
      throw new TypeError('SqliteEventStore: "checkpointIntervalMs" must be a positive integer');
    }
    const inMemory = options.path === ':memory:';
    const writer = options.writer ?? 'inline';
    if (inMemory && writer === 'thread') {
      throw new TypeError(
        'SqliteEventStore: an in-memory store cannot be written from another thread',
      );
    }
    this.#pollIntervalMs = pollIntervalMs;
    this.#clock = options.clock ?? systemClock;
    this.#db = new Database(options.path);
    // The schema exists before the writer thread opens its own connection.
    prepareDatabase(this.#db);
    const backfilledElsewhere = options.backfilledElsewhere ?? false;
    const backlog = options.backfillBacklog;
    const followBackfill =
      backfilledElsewhere && writer === 'inline'
        ? leaveCheckpointsToBackfill(this.#db, backlog)
        : () => undefined;
    // Beside a writer thread this connection writes only the role leases, a renewal every few
    // seconds on the event loop: it never checkpoints, or a renewal just after a backup's release
    // would copy the whole WAL gathered behind it there. The writer thread and the backfill do.
    if (backfilledElsewhere && writer === 'thread') this.#db.pragma('wal_autocheckpoint = 0');
    this.#writer =
      writer === 'inline'
        ? createInlineWriter(this.#db, followBackfill)
        : createWorkerWriter(options.path, {
            backfilledElsewhere,
            ...(backlog === undefined ? {} : { backlog }),
          });
    this.leases = createSqliteLeases(this.#db);
    this.#statements = {
      readStream: this.#db.prepare(
        'SELECT * FROM events WHERE stream_name = ? ORDER BY stream_revision',
      ),
      head: this.#db.prepare('SELECT max(global_position) AS head FROM events'),
    };
    this.#stopBackfill =
      checkpointIntervalMs === undefined || inMemory
        ? () => undefined
        : startWalBackfill(
            this.#db,
            checkpointIntervalMs,
            options.onCheckpointError,
            options.backfillBacklog,
          );
  }

  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: Readonly<{ expectedRevision: ExpectedRevision; fence?: Fence }>,
  ): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new EventStoreClosed('The event store is closed.'));
    let request: AppendRequest;
    try {
      request = serialize(streamName, events, options.expectedRevision, options.fence);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ request, resolve, reject });
      this.#scheduleFlush();
    });
  }

  readStream(streamName: string): Promise<RecordedEvent[]> {
    if (this.#closed) return Promise.reject(new EventStoreClosed('The event store is closed.'));
    return reading(`stream "${streamName}"`, () =>
      this.#statements.readStream.all(streamName).map(toRecorded),
    );
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (this.#closed) return Promise.reject(new EventStoreClosed('The event store is closed.'));
    return reading('the log', () => this.readAllNow(options));
  }

  /** Synchronous `readAll`, for callers that read in a tight loop (rebuilds, subscriptions). */
  readAllNow(options: ReadAllOptions): RecordedEvent[] {
    const filter = toSqlFilter(options.filter);
    let statement = this.#readAllStatements.get(filter.shape);
    if (statement === undefined) {
      statement = this.#db.prepare(
        `SELECT * FROM events WHERE global_position > ? AND ${filter.sql} ORDER BY global_position LIMIT ?`,
      );
      this.#readAllStatements.set(filter.shape, statement);
    }
    const after = Number(options.after ?? 0n);
    return statement.all(after, ...filter.params, options.maxCount).map(toRecorded);
  }

  /** The position of the newest event, 0n for an empty log. */
  headPosition(): bigint {
    return BigInt(this.#statements.head.get()?.head ?? 0);
  }

  eventsAfter(position: bigint): Promise<number | null> {
    return reading('the head of the log', () => {
      const behind = this.headPosition() - position;
      return behind > 0n ? Number(behind) : 0;
    });
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return createPollingSubscription({
      options,
      readPage: (after, maxCount) =>
        this.readAllNow({ after, maxCount, ...(options.filter ? { filter: options.filter } : {}) }),
      headPosition: () => this.headPosition(),
      waitForAppend: (timeoutMs) => this.#waitForAppend(timeoutMs),
      pollIntervalMs: this.#pollIntervalMs,
    });
  }

  /**
   * Says that another connection (another thread of this process) has just appended: this
   * store's subscriptions read now instead of at their next poll.
   */
  appendedElsewhere(): void {
    this.#wakeWaiters();
  }

  ping(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    try {
      this.#db.prepare('SELECT 1').get();
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  /** Refuses new appends, commits every queued one, then closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopBackfill();
    while (this.#pending.length > 0 || this.#flushScheduled || this.#committing) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await this.#writer.close();
    this.#wakeWaiters();
    this.#db.close();
  }

  #waitForAppend(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
  }

  #wakeWaiters(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#committing) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flush();
    });
  }

  /**
   * Sends every queued append to the writer as one batch. Only one batch is committing at a
   * time; appends that arrive meanwhile queue up and go together as the next batch.
   */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#committing || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#committing = true;
    void this.#writer
      .commit(
        batch.map((append) => append.request),
        this.#clock.now().toISOString(),
      )
      .then(
        (outcomes) => {
          batch.forEach((append, index) => {
            const outcome = outcomes[index];
            if (outcome?.ok) append.resolve(outcome.result);
            else if (outcome?.error.name === roleLostError)
              append.reject(new RoleLost(`Nothing was written: ${outcome.error.message}.`));
            else
              append.reject(
                storeFailure(
                  `The append to "${append.request.streamName}" failed: ${outcome?.error.message ?? 'no outcome'}`,
                  outcome?.error,
                ),
              );
          });
        },
        (error: unknown) => {
          const failure = storeFailure(
            'The event store could not commit; nothing of this batch was stored.',
            error,
          );
          for (const append of batch) append.reject(failure);
        },
      )
      .finally(() => {
        this.#committing = false;
        this.#wakeWaiters();
        if (this.#pending.length > 0) this.#scheduleFlush();
      });
  }
}

/** Opens (creating if needed) an embedded event store. Throws `TypeError` for bad options. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore =>
  new SqliteEventStore(options);
