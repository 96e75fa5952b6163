import type Database from 'better-sqlite3';

/**
 * How large a write-ahead log stays on disk once it has been checkpointed and starts again. While
 * a reader holds a snapshot (a backup copying the file, a long export) no checkpoint can pass it,
 * and the WAL grows with every write meanwhile: on the million-payment store, 9.7 GB of read-model
 * WAL during one backup. Without a limit SQLite keeps the file at its largest for ever.
 */
export const walSizeLimitBytes = 64 * 1024 * 1024;

/** Sets the limit on a connection that writes (SQLite truncates the WAL on its next commit). */
export const limitWalSize = (db: Database.Database): void => {
  db.pragma(`journal_size_limit = ${walSizeLimitBytes}`);
};
