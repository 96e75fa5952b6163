/**
 * A read-model scan on a thread of its own (`scanTextInThread`): it reads a keyset query page by
 * page on its own connection and writes each page as text (its row module's cells, then CSV or
 * NDJSON), one page for each `next` it is sent (the caller asks for the next page while it
 * hands on this one). Reading and writing both happen here, never on the caller's event loop:
 * the caller only passes the text on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type {
  DocumentListQuery,
  KeysetPosition,
  ReadModelTable,
} from '../../domain/ports/index.js';
import { yieldCpuToOtherThreads } from '../common/yieldCpu.js';
import { openReadModelDatabase } from './readModelDatabase.js';
import { loadRowText, type RowTextData } from './rowText.js';
import { createSqliteReadModelStore } from './sqliteReadModelStore.js';

export type ScanWorkerData = Readonly<{
  path: string;
  tables: Readonly<Record<string, ReadModelTable>>;
  projection: string;
  query: Omit<DocumentListQuery, 'withDocuments' | 'after' | 'limit'>;
  select: readonly string[];
  pageSize: number;
  encoding: RowTextData;
}>;

/** From the scan: a page of text and its row count, the end, or why it failed. */
export type ScanMessage =
  | Readonly<{ type: 'page'; text: string; rows: number }>
  | Readonly<{ type: 'end' }>
  | Readonly<{ type: 'failed'; error: string }>;

const port = parentPort;
if (port === null) throw new Error('scanWorker runs as a worker thread');
const { path, tables, projection, query, select, pageSize, encoding } =
  workerData as ScanWorkerData;
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
    const text = await loadRowText(encoding);
    const readModels = createSqliteReadModelStore(db, tables);
    let after: KeysetPosition | undefined;
    for (;;) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      const rows = readModels.listValues(
        projection,
        { ...query, limit: pageSize, ...(after === undefined ? {} : { after }) },
        select,
      );
      const last = rows.at(-1);
      const ended = rows.length < pageSize || last === undefined;
      const written = rows.length > 0 ? text.page(rows) : '';
      const closing = ended ? text.end() : '';
      credits -= 1;
      if (written !== '' || closing !== '') {
        post({ type: 'page', text: written + closing, rows: rows.length });
      }
      if (ended) break;
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
