import { once } from 'node:events';
import { startWorker } from '../../common/startWorker.js';
import type { Database } from 'better-sqlite3';
import { createAppendBatch, type AppendOutcome, type AppendRequest } from './sqliteAppendBatch.js';
import type { WalBacklog } from '../../common/sqliteWalBackfill.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './sqliteWriterWorker.js';

/** Commits batches of appends; one batch at a time. */
export type SqliteWriter = Readonly<{
  commit: (requests: readonly AppendRequest[], recordedAt: string) => Promise<AppendOutcome[]>;
  close: () => Promise<void>;
}>;

/**
 * Commits on the calling thread, over the store's own connection; `beforeCommit` runs before each
 * batch (`leaveCheckpointsToBackfill`'s).
 */
export const createInlineWriter = (
  db: Database,
  beforeCommit: () => void = () => undefined,
): SqliteWriter => {
  const appendBatch = createAppendBatch(db);
  return {
    commit: (requests, recordedAt) => {
      try {
        beforeCommit();
        return Promise.resolve(appendBatch(requests, recordedAt));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close: () => Promise.resolve(),
  };
};

const workerModule = new URL('./sqliteWriterWorker', import.meta.url);

/** Commits on a worker thread that owns a second connection to the same file. */
export const createWorkerWriter = (
  path: string,
  options: Readonly<{ backfilledElsewhere: boolean; backlog?: WalBacklog }>,
): SqliteWriter => {
  const data: WriterWorkerData = { path, ...options };
  const worker = startWorker(workerModule, data);
  const waiting = new Map<
    number,
    { resolve: (outcomes: AppendOutcome[]) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | null = null;

  const failAll = (error: Error) => {
    failure = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: WriterReply) => {
    const caller = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!caller) return;
    if (reply.ok) caller.resolve(reply.outcomes);
    else caller.reject(Object.assign(new Error(reply.error.message), reply.error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (waiting.size > 0) failAll(new Error(`the SQLite writer thread exited with code ${code}`));
  });

  return {
    commit: (requests, recordedAt) => {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<AppendOutcome[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const request: WriterRequest = { id, requests, recordedAt };
        worker.postMessage(request);
      });
    },
    close: async () => {
      if (failure !== null) {
        await worker.terminate();
        return;
      }
      const exited = once(worker, 'exit');
      worker.postMessage('close');
      await exited;
    },
  };
};
