/**
 * Aggregates on a thread of their own (`aggregateInThread`): the settlement report's 366 index
 * ranges, run on their own connection inside one read transaction (every group from the same
 * snapshot), so that a year-long report never holds the service's event loop. The thread reads in
 * finance turns (`financeThreadTurns`): it starts on `go`, and after each slice of about
 * `turnSliceMs` it posts `yield` and waits for the next `go`, its snapshot held meanwhile.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { AggregateQuery, GroupTotal, ReadModelTable } from '../../domain/ports/index.js';
import { yieldCpuToOtherThreads } from '../common/yieldCpu.js';
import { openReadModelDatabase } from './readModelDatabase.js';
import { createSqliteReadModelStore } from './sqliteReadModelStore.js';

export type AggregateWorkerData = Readonly<{
  path: string;
  tables: Readonly<Record<string, ReadModelTable>>;
  projection: string;
  queries: readonly AggregateQuery[];
  /** How long the thread reads before it gives its turn back. */
  turnSliceMs: number;
}>;

/** From the worker: a turn given back, every query's groups in the order asked, or why it failed. */
export type AggregateMessage =
  | Readonly<{ type: 'yield' }>
  | Readonly<{ type: 'done'; results: GroupTotal[][] }>
  | Readonly<{ type: 'failed'; error: string }>;

const port = parentPort;
if (port === null) throw new Error('aggregateWorker runs as a worker thread');
const { path, tables, projection, queries, turnSliceMs } = workerData as AggregateWorkerData;
yieldCpuToOtherThreads();

let turnsGiven = 0;
let wake: (() => void) | null = null;
port.on('message', (message: unknown) => {
  if (message === 'go') {
    turnsGiven += 1;
    wake?.();
  }
});
let turnsTaken = 0;
const nextTurn = async () => {
  while (turnsGiven === turnsTaken) await new Promise<void>((resolve) => (wake = resolve));
  turnsTaken += 1;
};

const post = (message: AggregateMessage) => {
  port.postMessage(message);
};

void (async () => {
  await nextTurn();
  const db = openReadModelDatabase(path, { cacheKiB: 16_384 });
  try {
    const readModels = createSqliteReadModelStore(db, tables);
    const results: GroupTotal[][] = [];
    db.exec('BEGIN');
    try {
      let sliceStarted = performance.now();
      for (const query of queries) {
        results.push(readModels.aggregate(projection, query));
        if (performance.now() - sliceStarted >= turnSliceMs) {
          post({ type: 'yield' });
          await nextTurn();
          sliceStarted = performance.now();
        }
      }
    } finally {
      db.exec('COMMIT');
    }
    post({ type: 'done', results });
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  } finally {
    db.close();
    port.close();
  }
})();
