import type Database from 'better-sqlite3';

/** The source address of an entry a repair restored from the event log (the source is lost). */
export const restoredSource = '(unknown: restored from the event log)';

/**
 * The delivery log's tables, made if missing: the entries, their counts per minute and outcome,
 * and the repair's checkpoint. Idempotent; an older log's index is dropped.
 */
export const prepareDeliveryLogSchema = (db: Database.Database): void => {
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
    -- Deliveries counted per minute and outcome as they are written, for the console's chart.
    CREATE TABLE IF NOT EXISTS delivery_log_minutes (
      minute  TEXT    NOT NULL,
      outcome TEXT    NOT NULL,
      count   INTEGER NOT NULL,
      PRIMARY KEY (minute, outcome)
    ) WITHOUT ROWID;
    -- Older logs had an index by delivery id; see paymentsOf for why it went.
    DROP INDEX IF EXISTS delivery_log_by_delivery;
    -- The entries a repair restored, by delivery id: a live entry written after its restored
    -- twin (another process's, queued while its disk was full) replaces it. Only restored
    -- rows are in it, so a live write pays one probe of a nearly empty index.
    CREATE INDEX IF NOT EXISTS delivery_log_restored ON delivery_log (delivery_id)
      WHERE source_address = '${restoredSource}';
    -- The repair's checkpoint: the event-log position up to which every accepted delivery is
    -- in the log, and an id of the log every entry of a later delivery comes after.
    CREATE TABLE IF NOT EXISTS delivery_log_repaired (
      id              INTEGER PRIMARY KEY CHECK (id = 1),
      position        TEXT NOT NULL,
      logged_after_id INTEGER
    );
  `);
  // Logs from before the repair kept its floor.
  const columns = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('delivery_log_repaired')")
    .all();
  if (!columns.some((column) => column.name === 'logged_after_id')) {
    db.exec('ALTER TABLE delivery_log_repaired ADD COLUMN logged_after_id INTEGER');
  }
};
