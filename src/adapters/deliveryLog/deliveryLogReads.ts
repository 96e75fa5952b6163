import { setImmediate } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { ProviderName } from '../../domain/index.js';
import type {
  DeliveryLogPage,
  DeliveryLogQuery,
  DeliveryOutcome,
} from '../../domain/ports/index.js';
import { decodeCursor, encodeCursor } from '../../application/cursorCodec.js';
import { restoredSource } from './deliveryLogSchema.js';

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

const minusMinute = (at: string): string => {
  const time = Date.parse(at);
  return Number.isNaN(time) ? at : new Date(time - 60_000).toISOString();
};

/** A page of the log, newest first. Returns `null` for a cursor it did not issue. */
export const deliveryLogPage = (
  db: Database.Database,
  query: DeliveryLogQuery,
): DeliveryLogPage | null => {
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
  const rows = db
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
};

type LoggedRow = {
  id: number;
  delivery_id: string | null;
  received_at: string;
  outcome: string;
  source_address: string;
};

/** Entries read between two turns of the event loop: 4-6 ms of reading (10-15 ms for 5,000). */
const entriesPerTurn = 2_000;

/**
 * The ids of the deliveries logged as accepted at or after `receivedAt`, read newest first
 * until older ones (the log has no index by delivery id; see `paymentsOfDelivery`). It reads a
 * page at a time and lets the event loop turn between pages: a log that was mostly restored (a
 * big repair after a crash, a `payrec.db` rebuilt from the event log) has no live entry to stop at,
 * and read in one step its 885,907 entries held a starting service's loop for 2.1-2.7 s. A repair
 * that knows a floor does not come here (`repairDeliveryLog`).
 */
export const deliveriesLoggedSince = async (
  db: Database.Database,
  receivedAt: string,
): Promise<Set<string>> => {
  const ids = new Set<string>();
  const olderThan = minusMinute(receivedAt);
  const page = db.prepare<[number, number], LoggedRow>(
    `SELECT id, delivery_id, received_at, outcome, source_address FROM delivery_log
     WHERE id < ? ORDER BY id DESC LIMIT ?`,
  );
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = page.all(before, entriesPerTurn);
    for (const row of rows) {
      // Only an accepted entry stands for the acceptance: a repeat logged by another process
      // (the provider's retry) says nothing of whether the first answer's entry was written.
      if (row.outcome === 'accepted' && row.delivery_id !== null) ids.add(row.delivery_id);
      // Live entries are written in the order they arrive, give or take a flush: a minute of
      // slack. Restored ones are not: a repair writes old deliveries after newer live ones, so
      // only a live entry's time can say that everything below it is older.
      if (row.source_address !== restoredSource && row.received_at < olderThan) return ids;
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < entriesPerTurn) return ids;
    before = last.id;
    await setImmediate();
  }
};

/**
 * The payments (`provider/ref`) an accepted delivery concerned; empty when not logged. It scans
 * the accepted deliveries newest first, without an index by delivery id: that id is a hash, so
 * such an index put every delivery on a random page, and cost the event loop 5–6 µs of the 8–10
 * µs an entry took to write (measured over 100,000 entries). Replay, its only reader, is an
 * operator's command, most often about a recent delivery.
 */
export const paymentsOfDelivery = (db: Database.Database, deliveryId: string): string[] => {
  const row = db
    .prepare<[string], { payments: string }>(
      `SELECT payments FROM delivery_log WHERE outcome = 'accepted' AND delivery_id = ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(deliveryId);
  return row ? (JSON.parse(row.payments) as string[]) : [];
};
