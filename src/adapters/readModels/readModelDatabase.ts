import Database from 'better-sqlite3';
import { limitWalSize } from '../common/sqliteWalSizeLimit.js';
import { leaveCheckpointsToBackfill } from '../common/sqliteWalBackfill.js';

export type ReadModelDatabaseOptions = Readonly<{
  /**
   * Another connection, on a background thread, copies this file's WAL into it
   * (`startWalBackfill`), and this one checkpoints only past a larger WAL
   * (`leaveCheckpointsToBackfill`). The service database is written on the event loop (the
   * delivery log, every 25 ms), and each automatic checkpoint there had copied and fsynced 16
   * MiB while requests waited: 4 ms of the ingest p99.
   */
  backfilledElsewhere?: boolean;
  /**
   * The page cache in KiB (default 64 MiB). A command that scans once (an export) takes a small
   * one: a scan reads each page once, and the cache would only hold memory.
   */
  cacheKiB?: number;
}>;

/**
 * The SQLite database for read models and logs, beside the event store whichever store is
 * configured (`<dataDir>/payrec.db`). Everything in it can be rebuilt or is diagnostic, so it
 * commits without an fsync each time (WAL, `synchronous=NORMAL`): a power loss can cost its last
 * few rows, never the event log.
 */
export const openReadModelDatabase = (
  path: string,
  { backfilledElsewhere = false, cacheKiB = 65_536 }: ReadModelDatabaseOptions = {},
): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  // A 64 MiB page cache (SQLite's default is 2 MiB): read models are read and rewritten by
  // primary key at ingest rate, and a miss costs a read syscall each time. Allocated as used.
  db.pragma(`cache_size = -${Math.max(256, Math.floor(cacheKiB))}`);
  // Checkpoint the WAL every ~16 MiB instead of every 4 MiB: fewer fsyncs of the database file.
  db.pragma('wal_autocheckpoint = 4000');
  limitWalSize(db);
  if (backfilledElsewhere) leaveCheckpointsToBackfill(db);
  return db;
};
