/**
 * A read-model scan on a thread of its own (`scanValuesInThread`): it reads a keyset query page
 * by page on its own connection, one page for each `next` it is sent (the caller asks for the
 * next page in its finance turn while it writes this one), so that an export reads on one core
 * while the caller writes CSV on the other.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type {
  DocumentListQuery,
  KeysetPosition,
  ReadModelTable,
} from '../../domain/ports/index.js';
import { yieldCpuToOtherThreads } from '../common/yieldCpu.js';
import { openReadModelDatabase } from './readModelDatabase.js';
import { createSqliteReadModelStore } from './sqliteReadModelStore.js';

export type ScanWorkerData = Readonly<{
  path: string;
  tables: Readonly<Record<string, ReadModelTable>>;
  projection: string;
  query: Omit<DocumentListQuery, 'withDocuments' | 'after' | 'limit'>;
  select: readonly string[];
  pageSize: number;
}>;

/** From the scan: a page of rows, the end, or why it failed. */
export type ScanMessage =
  | Readonly<{ type: 'page'; rows: unknown[][] }>
  | Readonly<{ type: 'end' }>
  | Readonly<{ type: 'failed'; error: string }>;

const port = parentPort;
if (port === null) throw new Error('scanWorker runs as a worker thread');
const { path, tables, projection, query, select, pageSize } = workerData as ScanWorkerData;
yieldCpuToOtherThreads();

let credits = 0;
let wake: (() => void) | null = null;
port.on('message', (message: unknown) => {
  if (message === 'next') {
    credits += 1;
    wake?.();
  }
});

const post = (message: ScanMessage) => {
  port.postMessage(message);
};

void (async () => {
  const db = openReadModelDatabase(path, { cacheKiB: 4_096 });
  try {
    const readModels = createSqliteReadModelStore(db, tables);
    let after: KeysetPosition | undefined;
    for (;;) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      const rows = readModels.listValues(
        projection,
        { ...query, limit: pageSize, ...(after === undefined ? {} : { after }) },
        select,
      ) as unknown[][];
      credits -= 1;
      if (rows.length > 0) post({ type: 'page', rows });
      const last = rows.at(-1);
      if (rows.length < pageSize || last === undefined) break;
      after = { value: last[1] as string | number, id: last[0] as string };
    }
    post({ type: 'end' });
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  } finally {
    db.close();
    port.close();
  }
})();
