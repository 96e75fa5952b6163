/**
 * The projection thread: it follows the embedded event store with its own connection and keeps
 * the read models in their own database file, so that projecting never takes the event loop
 * that is serving webhooks. It reports each projection's status to the main thread. It also
 * backfills the WAL of the event log and of the service database, so that no commit on the event
 * loop stops to checkpoint.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { recordProjected, startTelemetry } from '../telemetry/index.js';
import {
  createProjectionRunner,
  createProjections,
  readModelTables,
} from '../../projections/index.js';
import { openSqliteEventStore } from '../eventStore/sqlite/sqliteEventStore.js';
import { openReadModelDatabase } from '../readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../readModels/sqliteReadModelStore.js';
import { startWalBackfill, type WalBacklog } from '../common/sqliteWalBackfill.js';

export type ProjectionWorkerData = Readonly<{
  eventStorePath: string;
  readModelPath: string;
  pollIntervalMs: number;
  /**
   * The service database (delivery log, leases), written on the event loop: this thread copies
   * its WAL into it, so that no commit on the event loop carries a checkpoint. Its connection on
   * the event loop is opened with `backfilledElsewhere`.
   */
  serviceDatabasePath?: string;
  /**
   * Shared with the event loop's writer of the event log: what this thread's backfill of its WAL
   * has left to copy (`leaveCheckpointsToBackfill`).
   */
  eventLogBacklog?: WalBacklog;
  /**
   * The providers with no status endpoint (Kraken Pay): the payments projection schedules their
   * payments' one check at the deadline. Every other provider has one.
   */
  providersWithoutStatusEndpoint: readonly string[];
  /** The simulation's `drop-refund-from-report` plant (off unless named). */
  plantRefundsDropped?: boolean;
  /** Traces on (`Config['tracing']`): this thread starts its own SDK and traces what it projects. */
  tracing?: Readonly<{ version: string }>;
}>;
export type ProjectionWorkerMessage =
  | Readonly<{
      type: 'status';
      storageErrors: readonly StorageError[];
      statuses: ReadonlyArray<{
        name: string;
        running: boolean;
        position: string;
        appliedAt: number;
        error: string | null;
      }>;
    }>
  | Readonly<{ type: 'stopped' }>
  | Readonly<{ type: 'projectionFailed'; projections: string; error: string }>;

/** A file whose background checkpoint fails, and why (a full disk), as the thread reports it. */
export type StorageError = Readonly<{ file: string; error: string }>;

const port = parentPort;
if (port === null) throw new Error('projectionWorker must run as a worker thread');
const {
  eventStorePath,
  readModelPath,
  pollIntervalMs,
  serviceDatabasePath,
  eventLogBacklog,
  providersWithoutStatusEndpoint,
  plantRefundsDropped = false,
  tracing,
} = workerData as ProjectionWorkerData;

// A thread has its own OpenTelemetry globals: its spans need an SDK of their own.
const telemetry =
  tracing === undefined ? null : startTelemetry({ on: true, version: tracing.version });

/** How often this thread copies the WALs of the event log and of the service database. */
const backfillIntervalMs = 200;

// A checkpoint that fails (a full disk) is retried with backoff and reported, never fatal.
const storageErrors = new Map<string, string>();
const reportStorage = (file: string) => (error: unknown) => {
  if (error === null) storageErrors.delete(file);
  else storageErrors.set(file, error instanceof Error ? error.message : 'checkpoint failed');
};

// First, before anything that could fail: the event loop's connection counts on it.
const serviceDb =
  serviceDatabasePath === undefined ? null : openReadModelDatabase(serviceDatabasePath);
const stopServiceBackfill =
  serviceDb === null || serviceDatabasePath === undefined
    ? null
    : startWalBackfill(serviceDb, backfillIntervalMs, reportStorage(serviceDatabasePath));

// This thread's connection to the event log also backfills the log's WAL, off the append path.
const eventStore = openSqliteEventStore({
  path: eventStorePath,
  pollIntervalMs,
  writer: 'inline',
  checkpointIntervalMs: backfillIntervalMs,
  onCheckpointError: reportStorage(eventStorePath),
  ...(eventLogBacklog === undefined ? {} : { backfillBacklog: eventLogBacklog }),
});
const db = openReadModelDatabase(readModelPath);
const readModels = createSqliteReadModelStore(db, readModelTables);
// The planner's statistics follow the read models as they grow (SQLite's advice: `optimize`
// now and then on a long-lived connection; it analyses only what changed enough), gathered on
// this thread so that no request waits for them: soon after start, then every hour.
const optimize = () => {
  try {
    readModels.optimize();
  } catch {
    // Best effort: a busy or full disk is reported by the writes themselves.
  }
};
setTimeout(optimize, 5_000).unref();
const optimizing = setInterval(optimize, 60 * 60_000);
optimizing.unref();
const runner = createProjectionRunner({
  eventStore,
  readModels,
  projections: createProjections((provider) => !providersWithoutStatusEndpoint.includes(provider), {
    plantRefundsDropped,
  }),
  onError: (projections, error) => {
    const message: ProjectionWorkerMessage = {
      type: 'projectionFailed',
      projections,
      error: error instanceof Error ? error.message : 'projection failed',
    };
    port.postMessage(message);
  },
  ...(telemetry === null ? {} : { onApplied: recordProjected }),
});

const report = () => {
  const message: ProjectionWorkerMessage = {
    type: 'status',
    storageErrors: [...storageErrors].map(([file, error]) => ({ file, error })),
    statuses: runner
      .status()
      .map((status) => ({ ...status, position: status.position.toString() })),
  };
  port.postMessage(message);
};
const reporting = setInterval(report, 250);
runner.start();
report();

port.on('message', (message: unknown) => {
  if (message === 'appended') {
    eventStore.appendedElsewhere();
    return;
  }
  if (message !== 'stop') return;
  clearInterval(reporting);
  void (async () => {
    await runner.stop();
    await eventStore.close();
    db.close();
    stopServiceBackfill?.();
    serviceDb?.close();
    await telemetry?.shutdown().catch(() => undefined);
    const stopped: ProjectionWorkerMessage = { type: 'stopped' };
    port.postMessage(stopped);
    port.close();
  })();
});
