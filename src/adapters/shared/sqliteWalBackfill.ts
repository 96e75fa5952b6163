import type Database from 'better-sqlite3';

/**
 * Copies a WAL database's committed frames into its main file every `intervalMs`, on the
 * connection given (a passive checkpoint: it never blocks a writer or a reader). Meant for a
 * connection on a background thread. Without it, SQLite checkpoints on whichever connection
 * commits past the automatic threshold, and that commit then also copies the whole WAL and
 * fsyncs the file; on the event loop, every request waiting on it waits too. With frames copied
 * in the background, the WAL still restarts from its beginning and stays bounded.
 *
 * A checkpoint that finds another one running reports it in its row; it throws only for a real
 * failure (I/O, corruption), and that must not pass unseen: it throws from the timer, which ends
 * the thread it runs on. Returns a function that stops the timer.
 */
export const startWalBackfill = (db: Database.Database, intervalMs: number): (() => void) => {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError('startWalBackfill: "intervalMs" must be a positive integer');
  }
  const timer = setInterval(() => {
    db.pragma('wal_checkpoint(PASSIVE)');
  }, intervalMs).unref();
  return () => {
    clearInterval(timer);
  };
};
