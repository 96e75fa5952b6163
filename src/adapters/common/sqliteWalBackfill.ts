import type Database from 'better-sqlite3';

/**
 * Copies a WAL database's committed frames into its main file every `intervalMs`, on the
 * connection given (a passive checkpoint: it never blocks a writer or a reader). Meant for a
 * connection on a background thread. Without it, SQLite checkpoints on whichever connection
 * commits past the automatic threshold, and that commit then also copies the whole WAL and
 * fsyncs the file; on the event loop, every request waiting on it waits too. The connections that
 * write the file should then `leaveCheckpointsToBackfill`.
 *
 * A checkpoint that finds another one running reports it in its row; it throws only for a real
 * failure (a full disk, I/O, corruption). That must not pass unseen, nor end the thread: it goes
 * to `onError`, and the next attempt waits twice as long, up to 10 s, until one succeeds
 * (`onError(null)`). Returns a function that stops the timer.
 */
export const startWalBackfill = (
  db: Database.Database,
  intervalMs: number,
  onError: (error: unknown) => void = (error) => {
    throw error;
  },
): (() => void) => {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError('startWalBackfill: "intervalMs" must be a positive integer');
  }
  let delayMs = intervalMs;
  let failing = false;
  let timer: NodeJS.Timeout;
  const tick = () => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      if (failing) onError(null);
      failing = false;
      delayMs = intervalMs;
    } catch (error) {
      failing = true;
      delayMs = Math.min(delayMs * 2, 10_000);
      onError(error);
    }
    timer = setTimeout(tick, delayMs).unref();
  };
  timer = setTimeout(tick, delayMs).unref();
  return () => {
    clearTimeout(timer);
  };
};

/**
 * The automatic checkpoint threshold, in pages, of a connection whose WAL a background connection
 * backfills: 16,000 pages (64 MiB of WAL) instead of the 4,000 payrec otherwise uses. The commit
 * that crosses the threshold copies whatever the background has not copied yet and fsyncs the
 * file, while every request on the event loop waits. Under sustained load that commit is also
 * what restarts the WAL: commits keep arriving while the background copies, so it seldom leaves
 * the WAL wholly copied when the next commit starts, and the WAL grows to this size before it
 * starts over. Measured with 100,000 Kraken Embed deliveries to random payment refs
 * (bench:ingest): p99 32–36 ms at 4,000 pages, 28–30 ms at 10,000 (WAL 40 MiB), 22–24 ms at
 * 16,000 (64 MiB), 18–22 ms at 40,000 (160 MiB). 16,000 keeps the p99 under 25 ms and the WAL,
 * and the time to recover it after a crash, a quarter of the largest.
 */
export const walAutocheckpointPagesWhenBackfilled = 16_000;

/** Makes a writing connection leave the copying to a background `startWalBackfill`. */
export const leaveCheckpointsToBackfill = (db: Database.Database): void => {
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPagesWhenBackfilled}`);
};
