import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type {
  DeliveryLogEntry,
  DeliveryLogPage,
  DeliveryLogQuery,
  DeliveryLogReader,
  DeliveryOutcome,
} from '../../domain/ports/index.js';
import { prepareDeliveryLogSchema, restoredSource } from './deliveryLogSchema.js';
import { deliveriesLoggedSince, deliveryLogPage, paymentsOfDelivery } from './deliveryLogReads.js';

export { restoredSource } from './deliveryLogSchema.js';
export type {
  DeliveryOutcome,
  DeliveryLogEntry,
  DeliveryLogPage,
  DeliveryLogQuery,
} from '../../domain/ports/index.js';

/** How the log's writes are going, for `/readyz` and `/metrics`. */
export type DeliveryLogHealth = Readonly<{
  /** Entries waiting to be written. */
  queued: number;
  /** Since when writes have been failing (epoch ms), or `null` while they succeed. */
  failingSince: number | null;
  /** The last write error's message, while writes are failing. */
  lastError: string | null;
}>;

const perMinuteSql = `SELECT minute, outcome, count FROM delivery_log_minutes WHERE minute >= ?`;

/** Minutes counted are kept a week. */
const minutesKeptMs = 7 * 24 * 3_600_000;

/** Entries kept in memory while writes fail; past this, the oldest rejected ones go first. */
const maxQueued = 100_000;
const baseRetryMs = 25;
const maxRetryMs = 5_000;

/**
 * The delivery log (`GET /deliveries`): accepted and rejected deliveries, newest first. Writes
 * are queued and committed together every 25 ms. Rejected entries are capped
 * (`maxRejected`, oldest dropped first) so a flood of forged requests cannot fill the disk.
 * A write that fails (a full disk) never throws out of the timer: the entries stay queued and
 * the write is retried with backoff, and `health()` says so. Accepted deliveries the log lost
 * (a crash between the event log's commit and this one) are written back from the event log by
 * `recordRepaired`.
 */
export class DeliveryLog implements DeliveryLogReader {
  readonly #db: Database.Database;
  readonly #maxRejected: number;
  readonly #insert: Statement<
    [string, string, string, string | null, string | null, number, string, string]
  >;
  readonly #trimRejected: Statement<[number]>;
  readonly #dropRestored: Statement<[string]>;
  readonly #acceptedAfter: Statement<[number], { delivery_id: string | null }>;
  readonly #countMinute: Statement<[string, string, number]>;
  readonly #pruneMinutes: Statement<[string]>;
  readonly #perMinute: Statement<
    [string],
    { minute: string; outcome: DeliveryOutcome; count: number }
  >;
  #writesSincePrune = 0;
  #queue: DeliveryLogEntry[] = [];
  #scheduled = false;
  #rejectedSinceTrim = 0;
  #failingSince: number | null = null;
  #lastError: string | null = null;
  #retryMs = baseRetryMs;

  readonly #beforeWrite: () => void;
  readonly #onFlushed: (entries: readonly DeliveryLogEntry[]) => void;

  constructor(
    db: Database.Database,
    options: Readonly<{
      maxRejected?: number;
      /** For the crash tests: called before each write (a fail point). */
      beforeWrite?: () => void;
      /**
       * Called with the entries `record` queued once they are written (never with those a repair
       * writes back): how a process that keeps a log of its own shares them with the others.
       */
      onFlushed?: (entries: readonly DeliveryLogEntry[]) => void;
    }> = {},
  ) {
    this.#beforeWrite = options.beforeWrite ?? (() => undefined);
    this.#onFlushed = options.onFlushed ?? (() => undefined);
    const maxRejected = options.maxRejected ?? 10_000;
    if (!Number.isInteger(maxRejected) || maxRejected < 1) {
      throw new TypeError('DeliveryLog: "maxRejected" must be a positive integer');
    }
    this.#db = db;
    this.#maxRejected = maxRejected;
    prepareDeliveryLogSchema(db);
    this.#countMinute = db.prepare(
      `INSERT INTO delivery_log_minutes (minute, outcome, count) VALUES (?, ?, ?)
       ON CONFLICT (minute, outcome) DO UPDATE SET count = count + excluded.count`,
    );
    this.#pruneMinutes = db.prepare('DELETE FROM delivery_log_minutes WHERE minute < ?');
    this.#perMinute = db.prepare(perMinuteSql);
    this.#insert = db.prepare(
      `INSERT INTO delivery_log (provider, received_at, outcome, delivery_id, code, size, source_address, payments)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#dropRestored = db.prepare(
      `DELETE FROM delivery_log WHERE delivery_id = ? AND source_address = '${restoredSource}'`,
    );
    this.#acceptedAfter = db.prepare(
      `SELECT delivery_id FROM delivery_log WHERE id > ? AND outcome = 'accepted'`,
    );
    this.#trimRejected = db.prepare(
      `DELETE FROM delivery_log WHERE outcome = 'rejected' AND id <= (
         SELECT id FROM delivery_log WHERE outcome = 'rejected' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
  }

  /** Queues an entry; it is written within 25 ms, or at once when 1,000 are queued. */
  record(entry: DeliveryLogEntry): void {
    this.#queue.push(entry);
    if (this.#queue.length > maxQueued) this.#shed();
    if (this.#queue.length >= 1_000 && this.#failingSince === null) {
      this.flush();
    } else {
      // Entries are written together every 25 ms rather than every turn of the event loop: one
      // commit for many deliveries. The log is diagnostic (accepted deliveries are in the event
      // log), and readers flush first, so a query always sees every entry queued before it.
      this.#schedule(this.#retryMs);
    }
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.flush();
    }, delayMs).unref();
  }

  /** While writes fail, memory stays bounded: rejected entries go first, then the oldest. */
  #shed(): void {
    const excess = this.#queue.length - maxQueued;
    let dropped = 0;
    this.#queue = this.#queue.filter((entry) => {
      if (dropped < excess && entry.outcome === 'rejected') {
        dropped += 1;
        return false;
      }
      return true;
    });
    if (this.#queue.length > maxQueued) this.#queue = this.#queue.slice(-maxQueued);
  }

  /** How its writes are going. */
  health(): DeliveryLogHealth {
    return {
      queued: this.#queue.length,
      failingSince: this.#failingSince,
      lastError: this.#lastError,
    };
  }

  /**
   * Writes every queued entry now. Returns whether it could; on failure the entries stay queued
   * and a retry is scheduled with backoff (up to 5 s). Never throws.
   */
  flush(): boolean {
    const entries = this.#queue;
    if (entries.length === 0) return true;
    this.#queue = [];
    try {
      this.#write(entries);
    } catch (error) {
      this.#queue = [...entries, ...this.#queue];
      this.#failingSince ??= Date.now();
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#retryMs = Math.min(this.#retryMs * 2, maxRetryMs);
      this.#schedule(this.#retryMs);
      return false;
    }
    this.#failingSince = null;
    this.#lastError = null;
    this.#retryMs = baseRetryMs;
    this.#onFlushed(entries);
    return true;
  }

  #write(entries: readonly DeliveryLogEntry[], { restoring = false } = {}): void {
    if (entries.length > 0) this.#beforeWrite();
    this.#db.transaction(() => {
      const minutes = new Map<string, number>();
      const count = (receivedAt: string, outcome: string, by: number) => {
        const key = `${receivedAt.slice(0, 16)} ${outcome}`;
        minutes.set(key, (minutes.get(key) ?? 0) + by);
      };
      for (const entry of entries) {
        // A live accepted entry replaces the twin a repair restored before it arrived.
        if (!restoring && entry.outcome === 'accepted' && entry.deliveryId !== null) {
          const { changes } = this.#dropRestored.run(entry.deliveryId);
          if (changes > 0) count(entry.receivedAt, entry.outcome, -changes);
        }
        this.#insert.run(
          entry.provider,
          entry.receivedAt,
          entry.outcome,
          entry.deliveryId,
          entry.code,
          entry.size,
          entry.sourceAddress,
          JSON.stringify(entry.payments),
        );
        if (entry.outcome === 'rejected') this.#rejectedSinceTrim += 1;
        count(entry.receivedAt, entry.outcome, 1);
      }
      for (const [key, by] of minutes) {
        const [minute = '', outcome = ''] = key.split(' ');
        if (by !== 0) this.#countMinute.run(minute, outcome, by);
      }
      if ((this.#writesSincePrune += 1) >= 10_000) {
        const newest = entries.at(-1)?.receivedAt ?? '';
        const time = Date.parse(newest);
        if (!Number.isNaN(time)) {
          this.#pruneMinutes.run(new Date(time - minutesKeptMs).toISOString().slice(0, 16));
        }
        this.#writesSincePrune = 0;
      }
      // Trimming scans the rejected rows, so it runs once per tenth of the cap, not per write.
      if (this.#rejectedSinceTrim >= Math.max(1, Math.floor(this.#maxRejected / 10))) {
        this.#trimRejected.run(this.#maxRejected);
        this.#rejectedSinceTrim = 0;
      }
    })();
  }

  /**
   * Deliveries per minute and outcome from a minute on (`YYYY-MM-DDTHH:MM`, UTC), for the
   * console's chart: counted as they are written, so reading an hour is 120 rows at most,
   * however many deliveries it held.
   */
  perMinute(
    fromMinute: string,
  ): Array<Readonly<{ minute: string; outcome: DeliveryOutcome; count: number }>> {
    return this.#perMinute.all(fromMinute);
  }

  /** SQLite's plan for `perMinute`, a line per step. */
  explainPerMinute(): string[] {
    return this.#db
      .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${perMinuteSql}`)
      .all('')
      .map((row) => row.detail);
  }

  /**
   * Removes up to `batch` rejected entries received before `receivedAt` (the oldest first), in one
   * short transaction; returns how many went. Accepted and repeated entries are never pruned: they
   * point at evidence, and the event log keeps that for ever anyway.
   */
  pruneRejectedBefore(receivedAt: string, batch = 1_000): number {
    return this.#db
      .prepare<[string, number]>(
        `DELETE FROM delivery_log WHERE id IN (
           SELECT id FROM delivery_log WHERE outcome = 'rejected' AND received_at < ?
           ORDER BY id LIMIT ?)`,
      )
      .run(receivedAt, batch).changes;
  }

  /** The event-log position up to which every accepted delivery is known to be in the log. */
  repairedUpTo(): bigint {
    const row = this.#db
      .prepare<[], { position: string }>('SELECT position FROM delivery_log_repaired WHERE id = 1')
      .get();
    return row === undefined ? 0n : BigInt(row.position);
  }

  /** The id of the newest entry: what a repair has looked at when it compares (`recordRepaired`). */
  lastId(): number {
    this.flush();
    return (
      this.#db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM delivery_log').get()
        ?.id ?? 0
    );
  }

  /**
   * An id of the log that every entry for a delivery after `repairedUpTo()` comes after (a
   * repair's floor, kept with its checkpoint); `undefined` when no repair has known one.
   */
  repairFloor(): number | undefined {
    return (
      this.#db
        .prepare<[], { floor: number | null }>(
          'SELECT logged_after_id AS floor FROM delivery_log_repaired WHERE id = 1',
        )
        .get()?.floor ?? undefined
    );
  }

  /**
   * Writes entries the event log holds and the log lost, and moves the repair checkpoint.
   * `lookedUpTo` is `lastId()` when the repair compared: an accepted entry another process wrote
   * since is not written twice. `floor`, when the repair knows one, is an id every entry for a
   * delivery after `upTo` comes after; the checkpoint keeps the highest it was given.
   */
  recordRepaired(
    entries: readonly DeliveryLogEntry[],
    upTo: bigint,
    lookedUpTo = Number.MAX_SAFE_INTEGER,
    floor: number | null = null,
  ): void {
    this.#db.transaction(() => {
      const loggedSince = new Set(
        this.#acceptedAfter.all(lookedUpTo).map((row) => row.delivery_id),
      );
      this.#write(
        entries.filter(
          (entry) => entry.outcome !== 'accepted' || !loggedSince.has(entry.deliveryId),
        ),
        { restoring: true },
      );
      this.#db
        .prepare<[string, number | null]>(
          `INSERT INTO delivery_log_repaired (id, position, logged_after_id) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET position = excluded.position,
             logged_after_id = coalesce(max(logged_after_id, excluded.logged_after_id),
                                        logged_after_id, excluded.logged_after_id)`,
        )
        .run(upTo.toString(), floor);
    })();
  }

  /** The ids of the deliveries logged as accepted in entries after `id` (live or restored). */
  acceptedAfter(id: number): Set<string> {
    this.flush();
    const ids = new Set<string>();
    for (const row of this.#acceptedAfter.iterate(id)) {
      if (row.delivery_id !== null) ids.add(row.delivery_id);
    }
    return ids;
  }

  /** A page of the log, newest first. Returns `null` for a cursor it did not issue. */
  list(query: DeliveryLogQuery): DeliveryLogPage | null {
    this.flush();
    return deliveryLogPage(this.#db, query);
  }

  /**
   * The ids of the deliveries logged as accepted at or after `receivedAt` (give or take a
   * minute), read newest first until older ones.
   */
  loggedSince(receivedAt: string): Promise<Set<string>> {
    this.flush();
    return deliveriesLoggedSince(this.#db, receivedAt);
  }

  /** The payments (`provider/ref`) an accepted delivery concerned; empty when not logged. */
  paymentsOf(deliveryId: string): string[] {
    this.flush();
    return paymentsOfDelivery(this.#db, deliveryId);
  }
}
