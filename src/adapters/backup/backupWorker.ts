/**
 * A backup on a thread of its own (`copyDatabasesInThread`): each database copied with SQLite's
 * online backup API on a read-only connection of its own, then hashed, so that neither the copy
 * nor the hashing takes the event loop of the process that asked (`payrec serve` keeps answering
 * webhooks while its scheduled backup runs).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { syncToDisk } from '../common/syncToDisk.js';
import type { BackupFile, BackupFileName } from './backupManifest.js';

export type BackupWorkerData = Readonly<{
  files: ReadonlyArray<Readonly<{ name: BackupFileName; source: string; target: string }>>;
  /** Bytes copied per second at most, every file together; `null`: as fast as the disk goes. */
  maxBytesPerSecond: number | null;
}>;

/** From the worker: a file begun, a file copied, or why it failed. */
export type BackupMessage =
  | Readonly<{ type: 'copying'; name: BackupFileName; bytes: number }>
  | Readonly<{ type: 'progress'; name: BackupFileName; fraction: number }>
  | Readonly<{ type: 'copied'; file: BackupFile; ms: number }>
  | Readonly<{ type: 'failed'; error: string; code: string | null }>
  | Readonly<{ type: 'done' }>;

const port = parentPort;
if (port === null) throw new Error('backupWorker runs as a worker thread');
const { files, maxBytesPerSecond } = workerData as BackupWorkerData;

/** Pages copied per step: 1 MiB of 4 KiB pages. */
const pagesPerStep = 256;

/**
 * Every this many steps (4 MiB), the copy and the source's WAL are flushed to disk. While a backup
 * holds its snapshot, SQLite cannot checkpoint past it, so the source's WAL grows (the read
 * models' by ~19 MB/s at 300 deliveries/s) and the copy grows too; left to the kernel, both are
 * written back in bursts of hundreds of megabytes, and every commit's fsync on the same disk waits
 * behind a burst. Flushed as they grow, the disk sees a steady trickle (docs/benchmarks.md,
 * `bench:backup`).
 */
const flushEverySteps = 4;

/** Blocks this thread (a worker's own) for `ms`: the pause between two paced steps. */
const pause = (ms: number): void => {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const post = (message: BackupMessage) => {
  port.postMessage(message);
};

/** A file's SHA-256, read 1 MiB at a time, paced, on this thread. */
const sha256Of = (path: string): string => {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  const started = performance.now();
  let read = 0;
  try {
    for (;;) {
      const bytes = readSync(fd, chunk, 0, chunk.length, null);
      if (bytes === 0) break;
      hash.update(chunk.subarray(0, bytes));
      read += bytes;
      // The copy was just written, so it is read mostly from the page cache: four times the
      // copy's pace still keeps a cold read from taking the disk.
      if (maxBytesPerSecond !== null) {
        pause((read / (4 * maxBytesPerSecond)) * 1000 - (performance.now() - started));
      }
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
};

void (async () => {
  try {
    for (const { name, source, target } of files) {
      post({ type: 'copying', name, bytes: statSync(source).size });
      const started = performance.now();
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        // The copy is made in small steps, paced, from a read transaction held open on the
        // source connection: every step reads the same snapshot, so a write by another process
        // between two steps neither restarts the copy nor reaches it (without it, SQLite starts a
        // stepped backup again after any such write, which under steady ingest is always). In WAL
        // mode a reader never blocks a writer; the WAL grows while it is held.
        db.prepare('BEGIN').run();
        db.prepare('SELECT count(*) FROM sqlite_master').get();
        const pageSize = Number(db.pragma('page_size', { simple: true }));
        let copiedPages = 0;
        let lastReported = 0;
        await db.backup(target, {
          progress: ({ totalPages, remainingPages }) => {
            copiedPages += pagesPerStep;
            if (copiedPages % (flushEverySteps * pagesPerStep) === 0) {
              syncToDisk(target);
              // A database with no WAL (nothing open on it) has nothing held back.
              if (existsSync(`${source}-wal`)) syncToDisk(`${source}-wal`);
            }
            if (maxBytesPerSecond !== null) {
              const due = ((copiedPages * pageSize) / maxBytesPerSecond) * 1000;
              pause(due - (performance.now() - started));
            }
            const fraction = totalPages === 0 ? 1 : 1 - remainingPages / totalPages;
            if (fraction - lastReported >= 0.01) {
              lastReported = fraction;
              post({ type: 'progress', name, fraction });
            }
            return pagesPerStep;
          },
        });
        db.prepare('COMMIT').run();
      } finally {
        db.close();
      }
      // A copy is a file on its own: in rollback-journal mode, so that reading it (the manifest's
      // count, a check) leaves no -wal or -shm beside it. payrec turns WAL on again when it opens it.
      const copy = new Database(target, { fileMustExist: true });
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      const file: BackupFile = {
        name,
        bytes: statSync(target).size,
        sha256: sha256Of(target),
      };
      post({ type: 'copied', file, ms: performance.now() - started });
    }
    post({ type: 'done' });
  } catch (error) {
    const code =
      typeof error === 'object' &&
      error !== null &&
      'code' in error &&
      typeof error.code === 'string'
        ? error.code
        : null;
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error), code });
  }
})();
