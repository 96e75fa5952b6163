import Database, { type Statement } from 'better-sqlite3';
import { EventStoreClosed } from '../../../domain/index.js';
import type {
  AppendResult,
  Clock,
  EventStore,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../domain/ports/index.js';
import { prepareDatabase } from './sqliteSchema.js';
import { toSqlFilter } from './sqliteEventFilter.js';
import { createPollingSubscription } from './pollingSubscription.js';

export type SqliteEventStoreOptions = Readonly<{
  /** The database file; `':memory:'` for a throw-away store. */
  path: string;
  clock?: Clock;
  /**
   * How often a subscription looks for events appended by *other* processes on the same file;
   * appends from this process wake subscriptions at once. Default 100 ms.
   */
  pollIntervalMs?: number;
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
  streamName: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}>;

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
  readonly #clock: Clock;
  readonly #pollIntervalMs: number;
  readonly #statements: {
    streamRevision: Statement<[string], { revision: number | null }>;
    eventIdsFrom: Statement<
      [string, number, number],
      { event_id: string; global_position: number }
    >;
    insert: Statement<[string, string, number, string, string, string | null, string]>;
    readStream: Statement<[string], EventRow>;
    head: Statement<[], { head: number | null }>;
  };
  readonly #readAllStatements = new Map<string, Statement<unknown[], EventRow>>();
  readonly #waiters = new Set<() => void>();
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #closed = false;

  constructor(options: SqliteEventStoreOptions) {
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError('SqliteEventStore: "path" must be a non-empty file path or ":memory:"');
    }
    const pollIntervalMs = options.pollIntervalMs ?? 100;
    if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1) {
      throw new TypeError('SqliteEventStore: "pollIntervalMs" must be a positive integer');
    }
    this.#pollIntervalMs = pollIntervalMs;
    this.#clock = options.clock ?? systemClock;
    this.#db = new Database(options.path);
    prepareDatabase(this.#db);
    this.#statements = {
      streamRevision: this.#db.prepare(
        'SELECT max(stream_revision) AS revision FROM events WHERE stream_name = ?',
      ),
      eventIdsFrom: this.#db.prepare(
        'SELECT event_id, global_position FROM events WHERE stream_name = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?',
      ),
      insert: this.#db.prepare(
        `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      readStream: this.#db.prepare(
        'SELECT * FROM events WHERE stream_name = ? ORDER BY stream_revision',
      ),
      head: this.#db.prepare('SELECT max(global_position) AS head FROM events'),
    };
  }

  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: Readonly<{ expectedRevision: ExpectedRevision }>,
  ): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new EventStoreClosed('The event store is closed.'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({
        streamName,
        events,
        expectedRevision: options.expectedRevision,
        resolve,
        reject,
      });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flush();
        });
      }
    });
  }

  readStream(streamName: string): Promise<RecordedEvent[]> {
    return Promise.resolve(this.#statements.readStream.all(streamName).map(toRecorded));
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return Promise.resolve(this.readAllNow(options));
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

  ping(): Promise<boolean> {
    try {
      this.#db.prepare('SELECT 1').get();
      return Promise.resolve(!this.#closed);
    } catch {
      return Promise.resolve(false);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#pending.length > 0 || this.#flushScheduled) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
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

  /** Commits every append queued since the last flush in one transaction. */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    try {
      this.#db
        .transaction(() => {
          for (const append of batch) {
            try {
              // A nested transaction is a savepoint: one failing append leaves the others intact.
              outcomes.push({
                ok: true,
                result: this.#db.transaction(() => this.#applyAppend(append))(),
              });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    batch.forEach((append, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) append.resolve(outcome.result);
      else append.reject(outcome?.error);
    });
    this.#wakeWaiters();
  }

  #applyAppend({ streamName, events, expectedRevision }: PendingAppend): AppendResult {
    const current = this.#statements.streamRevision.get(streamName)?.revision ?? null;
    const retried = this.#alreadyAppended(streamName, events, expectedRevision, current);
    if (retried !== null) return retried;
    const matches =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream'
        ? current === null
        : current !== null && BigInt(current) === expectedRevision);
    if (!matches) {
      return {
        ok: false,
        code: 'WRONG_EXPECTED_REVISION',
        actualRevision: current === null ? 'no_stream' : BigInt(current),
      };
    }
    const recordedAt = this.#clock.now().toISOString();
    let revision = current ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.#statements.insert.run(
        event.id,
        streamName,
        revision,
        event.type,
        JSON.stringify(event.data),
        event.metadata === undefined ? null : JSON.stringify(event.metadata),
        recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    return { ok: true, nextRevision: BigInt(revision), lastPosition: BigInt(position) };
  }

  /**
   * A retried append is recognised where the first attempt must have put its events: right after
   * the expected revision (at the start for `no_stream`, at the tail for `any`). Finding the same
   * ids there makes the retry a no-op that answers as the first attempt did. As in EventStoreDB,
   * no log-wide search is made, so an append that already went through costs no lookup at all.
   */
  #alreadyAppended(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    current: number | null,
  ): AppendResult | null {
    if (events.length === 0 || current === null) return null;
    if (typeof expectedRevision === 'bigint' && BigInt(current) === expectedRevision) return null;
    const from =
      expectedRevision === 'any'
        ? current - events.length + 1
        : expectedRevision === 'no_stream'
          ? 0
          : Number(expectedRevision) + 1;
    if (from < 0) return null;
    const stored = this.#statements.eventIdsFrom.all(streamName, from, events.length);
    const same =
      stored.length === events.length &&
      events.every((event, index) => event.id === stored[index]?.event_id);
    const last = stored.at(-1);
    if (!same || last === undefined) return null;
    return {
      ok: true,
      nextRevision: BigInt(from + events.length - 1),
      lastPosition: BigInt(last.global_position),
    };
  }
}

/** Opens (creating if needed) an embedded event store. Throws `TypeError` for bad options. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore =>
  new SqliteEventStore(options);
