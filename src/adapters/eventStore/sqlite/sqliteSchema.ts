import type { Database } from 'better-sqlite3';
import { limitWalSize } from '../../common/sqliteWalSizeLimit.js';

/**
 * The event log: one row per event, ordered by `global_position` (the rowid, so it only grows).
 * A stream's revisions are unique and dense. Event ids are looked up within their stream (a retried
 * append is recognised there, as EventStoreDB does); a log-wide unique index on random UUIDs
 * would dirty a random page per event and halve durable group-commit throughput (measured with
 * `bench/store.bench.ts`).
 */
const schemaV1 = `
  CREATE TABLE IF NOT EXISTS events (
    global_position INTEGER PRIMARY KEY,
    event_id        TEXT    NOT NULL,
    stream_name     TEXT    NOT NULL,
    stream_revision INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT,
    recorded_at     TEXT    NOT NULL,
    UNIQUE (stream_name, stream_revision)
  );
  CREATE INDEX IF NOT EXISTS events_by_type ON events (event_type, global_position);
`;

/**
 * Version 2 drops the index by event type. Nothing in payrec reads the log by type (projections
 * follow stream prefixes), and the index cost every append a third B-tree insert on the
 * ingest path. A read filtered by type now scans the log in position order, as EventStoreDB's
 * server-side filtered reads of `$all` do.
 */
const schemaV2 = `DROP INDEX IF EXISTS events_by_type;`;

/**
 * Version 3 adds the roles' leases (`Leases`): a row per role, beside the log so that every
 * process on the data directory sees the same holder. Not events: a renewal every few seconds
 * is no part of any payment's history.
 */
const schemaV3 = `
  CREATE TABLE IF NOT EXISTS role_leases (
    role       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    token      INTEGER NOT NULL,
    taken_at   TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
  ) WITHOUT ROWID;
`;

/**
 * Opens the database for durable group commits: WAL, and `synchronous=FULL` so that a commit
 * is on disk before an append resolves (an acknowledged append survives power loss).
 */
export const prepareDatabase = (db: Database): void => {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('wal_autocheckpoint = 4000');
  limitWalSize(db);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1) {
    db.exec(schemaV1);
    db.pragma('user_version = 1');
  }
  if (version < 2) {
    db.exec(schemaV2);
    db.pragma('user_version = 2');
  }
  if (version < 3) {
    db.exec(schemaV3);
    db.pragma('user_version = 3');
  }
};
