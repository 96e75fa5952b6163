import Database from 'better-sqlite3';

/**
 * The SQLite database for read models and logs, beside the event store whichever store is
 * configured (`<dataDir>/payrec.db`). Everything in it can be rebuilt or is diagnostic, so it
 * commits without an fsync each time (WAL, `synchronous=NORMAL`): a power loss can cost its last
 * few rows, never the event log.
 */
export const openReadModelDatabase = (path: string): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  return db;
};
