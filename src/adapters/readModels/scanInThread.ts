import type { ColumnValue } from '../../domain/ports/index.js';
import { startWorker } from '../common/startWorker.js';
import type { ScanMessage, ScanWorkerData } from './scanWorker.js';

const workerModule = new URL('./scanWorker', import.meta.url);

/**
 * The pages of a keyset query, read on a thread of its own (`scanWorker`) with its own
 * connection, at most two pages ahead of the reader. Stopping early (a `return` from the loop)
 * ends the thread. A failure of the scan rejects the next page.
 */
export async function* scanValuesInThread(
  data: ScanWorkerData,
): AsyncGenerator<Array<readonly ColumnValue[]>> {
  // A small heap: the thread holds two pages at a time, and an export's memory must stay flat.
  const worker = startWorker(workerModule, data, {
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 },
  });
  const queue: ScanMessage[] = [];
  let waiting: (() => void) | null = null;
  const failure: { crashed: Error | null } = { crashed: null };
  worker.on('message', (message: ScanMessage) => {
    queue.push(message);
    waiting?.();
  });
  worker.on('error', (error) => {
    failure.crashed = error;
    waiting?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && failure.crashed === null) {
        await new Promise<void>((resolve) => (waiting = resolve));
        waiting = null;
      }
      const message = queue.shift();
      if (message === undefined) throw failure.crashed ?? new Error('the scan thread stopped');
      if (message.type === 'end') return;
      if (message.type === 'failed') throw new Error(`read-model scan failed: ${message.error}`);
      worker.postMessage('next');
      yield message.rows as Array<readonly ColumnValue[]>;
    }
  } finally {
    await worker.terminate();
  }
}
