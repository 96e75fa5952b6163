import type Database from 'better-sqlite3';

/**
 * How many frames of a WAL its background backfill found still to copy after its last pass,
 * shared (a `SharedArrayBuffer`) between the thread that backfills and the connections that
 * write, which may be on other threads of the process. After a pass it is a few hundred frames
 * (the commits of the last interval); it grows only while something holds a snapshot no
 * checkpoint can pass (a backup copying the file) or the disk cannot keep up.
 */
export type WalBacklog = Int32Array;

export const createWalBacklog = (): WalBacklog => new Int32Array(new SharedArrayBuffer(4));

type CheckpointRow = { busy: number; log: number; checkpointed: number };

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
 * (`onError(null)`). After each pass that ran, what it left to copy goes to `backlog`, if given.
 * Returns a function that stops the timer (and sets `backlog` to 0).
 */
export const startWalBackfill = (
  db: Database.Database,
  intervalMs: number,
  onError: (error: unknown) => void = (error) => {
    throw error;
  },
  backlog?: WalBacklog,
): (() => void) => {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError('startWalBackfill: "intervalMs" must be a positive integer');
  }
  let delayMs = intervalMs;
  let failing = false;
  let timer: NodeJS.Timeout;
  const tick = () => {
    try {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
      // A pass that found another checkpoint running (busy) says nothing of what is left.
      if (backlog !== undefined && row !== undefined && row.busy === 0 && row.log >= 0) {
        Atomics.store(backlog, 0, row.log - row.checkpointed);
      }
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
    // A stopped backfill copies nothing: writers that follow it checkpoint for themselves again.
    if (backlog !== undefined) Atomics.store(backlog, 0, 0);
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

/**
 * Makes a writing connection leave the copying to a background `startWalBackfill`, and returns
 * what that connection's writer calls before each write transaction.
 *
 * With the backfill's `backlog`, the connection also stops checkpointing while the backlog is
 * larger than its threshold. A backup holds a snapshot of the file for minutes; no checkpoint can
 * pass it, and the WAL gathers everything written meanwhile (about a gigabyte of the event log's
 * on a million-payment store). When the snapshot is released, the next commit past the threshold
 * would copy all of it into the file and fsync it, on the thread that commits (the event loop, for
 * the service's event log): ingest stopped for 0.5–3 s. Left to the background, that copy takes
 * its thread instead; once it has caught up the connection checkpoints past its threshold again,
 * copying only what the last pass left, and its WAL starts over.
 */
export const leaveCheckpointsToBackfill = (
  db: Database.Database,
  backlog?: WalBacklog,
): (() => void) => {
  let threshold = walAutocheckpointPagesWhenBackfilled;
  db.pragma(`wal_autocheckpoint = ${threshold}`);
  if (backlog === undefined) return () => undefined;
  return () => {
    const wanted =
      Atomics.load(backlog, 0) > walAutocheckpointPagesWhenBackfilled
        ? 0
        : walAutocheckpointPagesWhenBackfilled;
    if (wanted === threshold) return;
    threshold = wanted;
    db.pragma(`wal_autocheckpoint = ${wanted}`);
  };
};
