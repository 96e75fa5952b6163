import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { ProviderName } from '../../domain/index.js';
import { decodeCursor, encodeCursor } from '../shared/cursorCodec.js';

export type DeliveryOutcome = 'accepted' | 'repeated' | 'rejected';

/** One line of the delivery log. Rejected deliveries are metadata only: no body, no headers. */
export type DeliveryLogEntry = Readonly<{
  provider: ProviderName;
  receivedAt: string;
  outcome: DeliveryOutcome;
  /** The stored delivery, for accepted and repeated ones. */
  deliveryId: string | null;
  /** Why it was rejected: an error code (`INVALID_SIGNATURE`, …). */
  code: string | null;
  size: number;
  sourceAddress: string;
  /** The payments it concerned, as `provider/ref`. */
  payments: readonly string[];
}>;

export type DeliveryLogPage = Readonly<{
  items: readonly DeliveryLogEntry[];
  nextCursor: string | null;
}>;

export type DeliveryLogQuery = Readonly<{
  provider?: ProviderName;
  outcome?: DeliveryOutcome;
  limit: number;
  cursor?: string;
}>;

type Row = {
  id: number;
  provider: ProviderName;
  received_at: string;
  outcome: DeliveryOutcome;
  delivery_id: string | null;
  code: string | null;
  size: number;
  source_address: string;
  payments: string;
};

const logPosition = (cursor: string): number | null =>
  decodeCursor(cursor, ['integer'])?.[0] ?? null;

/**
 * The delivery log (`GET /deliveries`): accepted and rejected deliveries, newest first. Writes
 * are queued and committed together every 25 ms. Rejected entries are capped
 * (`maxRejected`, oldest dropped first) so a flood of forged requests cannot fill the disk.
 */
export class DeliveryLog {
  readonly #db: Database.Database;
  readonly #maxRejected: number;
  readonly #insert: Statement<
    [string, string, string, string | null, string | null, number, string, string]
  >;
  readonly #trimRejected: Statement<[number]>;
  #queue: DeliveryLogEntry[] = [];
  #scheduled = false;
  #rejectedSinceTrim = 0;

  constructor(db: Database.Database, options: Readonly<{ maxRejected?: number }> = {}) {
    const maxRejected = options.maxRejected ?? 10_000;
    if (!Number.isInteger(maxRejected) || maxRejected < 1) {
      throw new TypeError('DeliveryLog: "maxRejected" must be a positive integer');
    }
    this.#db = db;
    this.#maxRejected = maxRejected;
    db.exec(`
      CREATE TABLE IF NOT EXISTS delivery_log (
        id             INTEGER PRIMARY KEY,
        provider       TEXT    NOT NULL,
        received_at    TEXT    NOT NULL,
        outcome        TEXT    NOT NULL,
        delivery_id    TEXT,
        code           TEXT,
        size           INTEGER NOT NULL,
        source_address TEXT    NOT NULL,
        payments       TEXT    NOT NULL
      );
      CREATE INDEX IF NOT EXISTS delivery_log_by_outcome ON delivery_log (outcome, id);
      CREATE INDEX IF NOT EXISTS delivery_log_by_provider ON delivery_log (provider, id);
      -- Older logs had an index by delivery id; see paymentsOf for why it went.
      DROP INDEX IF EXISTS delivery_log_by_delivery;
    `);
    this.#insert = db.prepare(
      `INSERT INTO delivery_log (provider, received_at, outcome, delivery_id, code, size, source_address, payments)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#trimRejected = db.prepare(
      `DELETE FROM delivery_log WHERE outcome = 'rejected' AND id <= (
         SELECT id FROM delivery_log WHERE outcome = 'rejected' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
  }

  /** Queues an entry; it is written within 25 ms, or at once when 1,000 are queued. */
  record(entry: DeliveryLogEntry): void {
    this.#queue.push(entry);
    if (this.#queue.length >= 1_000) {
      this.flush();
    } else if (!this.#scheduled) {
      // Entries are written together every 25 ms rather than every turn of the event loop: one
      // commit for many deliveries. The log is diagnostic (accepted deliveries are in the event
      // log), and readers flush first, so a query always sees every entry queued before it.
      this.#scheduled = true;
      setTimeout(() => {
        this.flush();
      }, 25).unref();
    }
  }

  /** Writes every queued entry now. */
  flush(): void {
    this.#scheduled = false;
    const entries = this.#queue;
    this.#queue = [];
    if (entries.length === 0) return;
    this.#db.transaction(() => {
      for (const entry of entries) {
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
      }
      // Trimming scans the rejected rows, so it runs once per tenth of the cap, not per write.
      if (this.#rejectedSinceTrim >= Math.max(1, Math.floor(this.#maxRejected / 10))) {
        this.#trimRejected.run(this.#maxRejected);
        this.#rejectedSinceTrim = 0;
      }
    })();
  }

  /**
   * The payments (`provider/ref`) an accepted delivery concerned; empty when not logged. It scans
   * the accepted deliveries newest first, without an index by delivery id: that id is a hash, so
   * such an index put every delivery on a random page, and cost the event loop 5–6 µs of the 8–10
   * µs an entry took to write (measured over 100,000 entries). Replay, its only reader, is an
   * operator's command, most often about a recent delivery.
   */
  paymentsOf(deliveryId: string): string[] {
    this.flush();
    const row = this.#db
      .prepare<[string], { payments: string }>(
        `SELECT payments FROM delivery_log WHERE outcome = 'accepted' AND delivery_id = ?
         ORDER BY id DESC LIMIT 1`,
      )
      .get(deliveryId);
    return row ? (JSON.parse(row.payments) as string[]) : [];
  }

  /** A page of the log, newest first. Returns `null` for a cursor it did not issue. */
  list(query: DeliveryLogQuery): DeliveryLogPage | null {
    this.flush();
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : logPosition(query.cursor);
    if (before === null) return null;
    const conditions = ['id < ?'];
    const params: Array<string | number> = [before];
    if (query.provider) {
      conditions.push('provider = ?');
      params.push(query.provider);
    }
    if (query.outcome) {
      conditions.push('outcome = ?');
      params.push(query.outcome);
    }
    const rows = this.#db
      .prepare<unknown[], Row>(
        `SELECT * FROM delivery_log WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      )
      .all(...params, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        provider: row.provider,
        receivedAt: row.received_at,
        outcome: row.outcome,
        deliveryId: row.delivery_id,
        code: row.code,
        size: row.size,
        sourceAddress: row.source_address,
        payments: JSON.parse(row.payments) as string[],
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
    };
  }
}
