/**
 * A backup on a thread of its own (`copyDatabasesInThread`): each database copied with SQLite's
 * online backup API on a read-only connection of its own, then hashed, so that neither the copy
 * nor the hashing takes the event loop of the process that asked (`payrec serve` keeps answering
 * webhooks while its scheduled backup runs).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BackupFile, BackupFileName } from './backupManifest.js';

export type BackupWorkerData = Readonly<{
  files: ReadonlyArray<Readonly<{ name: BackupFileName; source: string; target: string }>>;
}>;

/** From the worker: a file begun, a file copied, or why it failed. */
export type BackupMessage =
  | Readonly<{ type: 'copying'; name: BackupFileName; bytes: number }>
  | Readonly<{ type: 'copied'; file: BackupFile; ms: number }>
  | Readonly<{ type: 'failed'; error: string; code: string | null }>
  | Readonly<{ type: 'done' }>;

const port = parentPort;
if (port === null) throw new Error('backupWorker runs as a worker thread');
const { files } = workerData as BackupWorkerData;

const post = (message: BackupMessage) => {
  port.postMessage(message);
};

const sha256Of = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => {
        resolve(hash.digest('hex'));
      });
  });

/** The largest step SQLite's backup takes: all that remains, at once. */
const everyPage = 0x7fffffff;

void (async () => {
  try {
    for (const { name, source, target } of files) {
      post({ type: 'copying', name, bytes: statSync(source).size });
      const started = performance.now();
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        // One step for the whole file: a copy in steps starts again whenever another process
        // writes between two of them, which under steady ingest is always. One step holds one
        // read transaction, which in WAL mode never blocks a writer.
        await db.backup(target, { progress: () => everyPage });
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
        sha256: await sha256Of(target),
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
