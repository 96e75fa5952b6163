import type { GroupTotal } from '../../domain/ports/index.js';
import { startWorker } from '../common/startWorker.js';
import type { AggregateMessage, AggregateWorkerData } from './aggregateWorker.js';

const workerModule = new URL('./aggregateWorker', import.meta.url);

/**
 * Runs aggregates of one projection on a thread of their own (`aggregateWorker`), with its own
 * connection: the caller's event loop only waits. Rejects with the store's reason when a query
 * fails, or when the thread dies.
 */
export const aggregateInThread = (data: AggregateWorkerData): Promise<GroupTotal[][]> =>
  new Promise((resolve, reject) => {
    const worker = startWorker(workerModule, data);
    let answered = false;
    worker.once('message', (message: AggregateMessage) => {
      answered = true;
      if (message.type === 'done') resolve(message.results);
      else reject(new Error(`read-model aggregate failed: ${message.error}`));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the aggregate thread stopped (exit ${code})`));
    });
  });
