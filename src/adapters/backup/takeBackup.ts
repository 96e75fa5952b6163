import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupFailed } from '../../errors/index.js';
import { startWorker } from '../common/startWorker.js';
import { syncToDisk } from '../common/syncToDisk.js';
import { eventLogSummary } from '../eventStore/sqlite/sqliteEventLogFile.js';
import {
  manifestFileName,
  type BackupFile,
  type BackupFileName,
  type BackupManifest,
} from './backupManifest.js';
import type { BackupMessage, BackupWorkerData } from './backupWorker.js';

/** A database to back up: its name in the backup and where it is. */
export type BackupSource = Readonly<{ name: BackupFileName; path: string }>;

/** What a backup reports as it goes. */
export type BackupProgress =
  | Readonly<{ type: 'copying'; name: BackupFileName; bytes: number }>
  | Readonly<{ type: 'progress'; name: BackupFileName; fraction: number }>
  | Readonly<{ type: 'copied'; file: BackupFile; ms: number }>;

/** Whether `path` may receive a backup: absent, or an empty directory. Throws why not. */
const refuseExisting = (path: string): void => {
  let entries: string[];
  try {
    if (!statSync(path).isDirectory()) {
      throw new BackupFailed(`${path} exists and is not a directory: a backup never overwrites.`);
    }
    entries = readdirSync(path);
  } catch (error) {
    if (error instanceof BackupFailed) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new BackupFailed(`cannot use ${path} for a backup: ${(error as Error).message}`);
  }
  if (entries.length > 0) {
    throw new BackupFailed(
      `${path} already exists and is not empty: a backup never overwrites one. Choose a new directory.`,
    );
  }
};

/** Writes a file and makes it durable before it is renamed into place. */
const writeDurably = (path: string, text: string): void => {
  writeFileSync(path, text);
  syncToDisk(path);
};

const reasonOf = (message: Extract<BackupMessage, { type: 'failed' }>, where: string): string =>
  message.code === 'SQLITE_FULL' || message.code === 'ENOSPC' || /full/i.test(message.error)
    ? `the disk that holds ${where} is full (${message.error}): free space or back up elsewhere`
    : message.error;

/**
 * Checks that the target is new and every source exists, then makes the staging directory beside
 * the target. Throws `BackupFailed` naming what is wrong.
 */
const stagingFor = (
  target: string,
  sources: readonly BackupSource[],
): Readonly<{ parent: string; staging: string }> => {
  refuseExisting(target);
  for (const source of sources) {
    try {
      statSync(source.path);
    } catch {
      throw new BackupFailed(`nothing to back up at ${source.path}: it does not exist.`);
    }
  }
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
    return { parent, staging: mkdtempSync(join(parent, `.${basename(target)}.partial-`)) };
  } catch (error) {
    throw new BackupFailed(`cannot write a backup in ${parent}: ${(error as Error).message}`);
  }
};

/**
 * Copies each database into a new directory `to` with SQLite's online backup API, on a thread of
 * its own, while payrec may be writing them: each copy is a consistent snapshot. The files are
 * copied in the order given (the read models and the service database before the event log, so
 * that their checkpoints never run ahead of the log they come with). They are written to a staging
 * directory beside `to` and renamed into place with the manifest last: `to` holds a whole backup
 * or nothing. Throws `BackupFailed` (the target exists, a source is missing, a full disk), leaving
 * nothing behind.
 */
export const takeBackup = async ({
  sources,
  to,
  store,
  payrecVersion,
  now = () => new Date(),
  onProgress = () => undefined,
  signal,
  maxBytesPerSecond = null,
}: Readonly<{
  sources: readonly BackupSource[];
  to: string;
  store: BackupManifest['store'];
  payrecVersion: string;
  now?: () => Date;
  onProgress?: (progress: BackupProgress) => void;
  /** Stops the backup (Ctrl-C): the thread ends, the staging directory goes, nothing is kept. */
  signal?: AbortSignal;
  /**
   * Bytes read per second at most (the copy, then the checksums), so that a backup does not take
   * the disk from the service's commits; `null`: as fast as the disk goes.
   */
  maxBytesPerSecond?: number | null;
}>): Promise<BackupManifest> => {
  const target = resolve(to);
  const { parent, staging } = stagingFor(target, sources);
  const startedAt = now();
  const started = performance.now();
  try {
    const files = await copyInThread(
      sources.map((source) => ({
        name: source.name,
        source: source.path,
        target: join(staging, source.name),
      })),
      onProgress,
      parent,
      signal,
      maxBytesPerSecond,
    );
    const events = sources.some((source) => source.name === 'events.db')
      ? eventLogSummary(join(staging, 'events.db'))
      : null;
    const manifest: BackupManifest = {
      format: 1,
      payrecVersion,
      store,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      tookMs: Math.round(performance.now() - started),
      events:
        events === null
          ? null
          : { count: events.count, lastPosition: events.lastPosition.toString() },
      files,
    };
    writeDurably(join(staging, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
    syncToDisk(staging);
    try {
      renameSync(staging, target);
    } catch (error) {
      throw new BackupFailed(
        `cannot put the backup at ${target}: ${(error as Error).message} (a backup never overwrites).`,
      );
    }
    syncToDisk(parent);
    return manifest;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof BackupFailed) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupFailed(
      code === 'ENOSPC'
        ? `the disk that holds ${parent} is full: free space or back up elsewhere; nothing was kept.`
        : `the backup failed: ${(error as Error).message}; nothing was kept.`,
      { cause: error },
    );
  }
};

const copyInThread = (
  files: BackupWorkerData['files'],
  onProgress: (progress: BackupProgress) => void,
  where: string,
  signal: AbortSignal | undefined,
  maxBytesPerSecond: number | null,
): Promise<BackupFile[]> =>
  new Promise((resolvePromise, reject) => {
    const copied: BackupFile[] = [];
    const data: BackupWorkerData = { files, maxBytesPerSecond };
    const worker = startWorker(new URL('./backupWorker', import.meta.url), data);
    let settled = false;
    // Settled once the thread has ended, so that nothing writes into the staging directory
    // while it is removed.
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate().finally(outcome);
    };
    worker.on('message', (message: BackupMessage) => {
      switch (message.type) {
        case 'copying':
        case 'progress':
          onProgress(message);
          break;
        case 'copied':
          copied.push(message.file);
          onProgress(message);
          break;
        case 'failed':
          settle(() => {
            reject(new BackupFailed(`${reasonOf(message, where)}; nothing was kept.`));
          });
          break;
        case 'done':
          settle(() => {
            resolvePromise(copied);
          });
          break;
      }
    });
    signal?.addEventListener(
      'abort',
      () => {
        settle(() => {
          reject(new BackupFailed('the backup was interrupted; nothing was kept.'));
        });
      },
      { once: true },
    );
    worker.on('error', (error) => {
      settle(() => {
        reject(error);
      });
    });
    worker.on('exit', (code) => {
      settle(() => {
        reject(new BackupFailed(`the backup thread stopped (exit ${code}); nothing was kept.`));
      });
    });
  });
