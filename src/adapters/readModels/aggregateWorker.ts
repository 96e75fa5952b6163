/**
 * Aggregates on a thread of their own (`aggregateInThread`): the settlement report's 366 index
 * ranges, run on their own connection inside one read transaction (every group from the same
 * snapshot), so that a year-long report never holds the service's event loop.
 */
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
}>;

/** From the worker: every query's groups, in the order asked, or why it failed. */
export type AggregateMessage =
  Readonly<{ type: 'done'; results: GroupTotal[][] }> | Readonly<{ type: 'failed'; error: string }>;

const port = parentPort;
if (port === null) throw new Error('aggregateWorker runs as a worker thread');
const { path, tables, projection, queries } = workerData as AggregateWorkerData;
yieldCpuToOtherThreads();

const db = openReadModelDatabase(path, { cacheKiB: 16_384 });
try {
  const readModels = createSqliteReadModelStore(db, tables);
  const results = db.transaction(() =>
    queries.map((query) => readModels.aggregate(projection, query)),
  )();
  port.postMessage({ type: 'done', results } satisfies AggregateMessage);
} catch (error) {
  port.postMessage({
    type: 'failed',
    error: error instanceof Error ? error.message : String(error),
  } satisfies AggregateMessage);
} finally {
  db.close();
  port.close();
}
