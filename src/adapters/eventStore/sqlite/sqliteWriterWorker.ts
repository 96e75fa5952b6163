/**
 * The embedded store's writer thread: it owns the write connection and commits the batches the
 * main thread sends, so that the fsync of one batch never blocks the event loop that is already
 * gathering the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  createAppendBatch,
  serializeError,
  type AppendRequest,
  type SerializedError,
} from './sqliteAppendBatch.js';
import { prepareDatabase } from './sqliteSchema.js';
import { leaveCheckpointsToBackfill, type WalBacklog } from '../../common/sqliteWalBackfill.js';

export type WriterWorkerData = Readonly<{
  path: string;
  /** See `SqliteEventStoreOptions.backfilledElsewhere`. */
  backfilledElsewhere: boolean;
  /** See `SqliteEventStoreOptions.backfillBacklog`. */
  backlog?: WalBacklog;
}>;

export type WriterRequest = Readonly<{
  id: number;
  requests: readonly AppendRequest[];
  recordedAt: string;
}>;
export type WriterReply =
  | Readonly<{ id: number; ok: true; outcomes: ReturnType<ReturnType<typeof createAppendBatch>> }>
  | Readonly<{ id: number; ok: false; error: SerializedError }>;

const port = parentPort;
if (port === null) throw new Error('sqliteWriterWorker must run as a worker thread');

const { path, backfilledElsewhere, backlog } = workerData as WriterWorkerData;
const db = new Database(path);
prepareDatabase(db);
const followBackfill = backfilledElsewhere
  ? leaveCheckpointsToBackfill(db, backlog)
  : () => undefined;
const appendBatch = createAppendBatch(db);

port.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    followBackfill();
    reply = {
      id: message.id,
      ok: true,
      outcomes: appendBatch(message.requests, message.recordedAt),
    };
  } catch (error) {
    reply = { id: message.id, ok: false, error: serializeError(error) };
  }
  port.postMessage(reply);
});
