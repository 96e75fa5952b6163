import type { GroupTotal } from '../../domain/ports/index.js';
import { startWorker } from '../common/startWorker.js';
import type { AggregateMessage, AggregateWorkerData } from './aggregateWorker.js';
import { financeThreadTurns } from './financeThreadTurns.js';

const workerModule = new URL('./aggregateWorker', import.meta.url);

/** How long a report's thread reads in one finance turn: about an export page's time. */
const turnSliceMs = 10;

/**
 * Runs aggregates of one projection on a thread of their own (`aggregateWorker`), with its own
 * connection, in finance turns (`financeThreadTurns`) of about 10 ms: the caller's event loop
 * only waits, and an export beside it reads a page between slices. Rejects with the store's
 * reason when a query fails, or when the thread dies.
 */
export const aggregateInThread = (
  data: Omit<AggregateWorkerData, 'turnSliceMs'>,
): Promise<GroupTotal[][]> =>
  new Promise((resolve, reject) => {
    const worker = startWorker(workerModule, { ...data, turnSliceMs });
    let endTurn: (() => void) | null = null;
    let answered = false;
    const giveBackTurn = () => {
      endTurn?.();
      endTurn = null;
    };
    const takeTurn = () => {
      void financeThreadTurns(
        () =>
          new Promise<void>((turnEnded) => {
            if (answered) {
              turnEnded();
              return;
            }
            endTurn = turnEnded;
            worker.postMessage('go');
          }),
      );
    };
    takeTurn();
    worker.on('message', (message: AggregateMessage) => {
      giveBackTurn();
      if (message.type === 'yield') {
        takeTurn();
        return;
      }
      answered = true;
      if (message.type === 'done') resolve(message.results);
      else reject(new Error(`read-model aggregate failed: ${message.error}`));
    });
    worker.once('error', (error) => {
      answered = true;
      giveBackTurn();
      reject(error);
    });
    worker.once('exit', (code) => {
      giveBackTurn();
      if (!answered) reject(new Error(`the aggregate thread stopped (exit ${code})`));
      answered = true;
    });
  });
