import type { Worker } from 'node:worker_threads';
import type { TextPage } from '../../domain/ports/index.js';
import { startWorker } from '../common/startWorker.js';
import { financeThreadTurns } from './financeThreadTurns.js';
import type { ScanMessage, ScanWorkerData } from './scanWorker.js';

const workerModule = new URL('./scanWorker', import.meta.url);

/**
 * What the scan thread posts, kept in order as it arrives (a listener attached only while a page
 * is asked for would miss the end the thread posts unasked after a short last page): `next`
 * resolves with the oldest, or, once the thread is gone, with the error it died of.
 */
const inboxOf = (worker: Worker) => {
  const inbox: Array<ScanMessage | Error> = [];
  let arrived: (() => void) | null = null;
  const deliver = (message: ScanMessage | Error) => {
    inbox.push(message);
    arrived?.();
    arrived = null;
  };
  worker.on('message', deliver);
  worker.on('error', deliver);
  worker.on('exit', () => {
    deliver(new Error('the scan thread stopped'));
  });
  return {
    next: async (): Promise<ScanMessage | Error> => {
      while (inbox.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
      return inbox.shift() ?? new Error('the scan thread stopped');
    },
  };
};

/**
 * The pages of a keyset query as text, read and written on a thread of its own (`scanWorker`)
 * with its own connection, one page ahead of the reader (the thread reads and writes the next
 * page while the caller hands this one on). Each page is read in a finance turn
 * (`financeThreadTurns`). Stopping early (a `return` from the loop) ends the thread. A failure of
 * the scan rejects the next page.
 */
export async function* scanTextInThread(data: ScanWorkerData): AsyncGenerator<TextPage> {
  // A bounded heap: the thread holds a page or two at a time, and an export's memory must stay
  // flat. Its young generation is what writing text churns through: at 4 MB, garbage collection
  // took 8.4 of the thread's 18 s on 1M payments; at 32 MB, under 1 s (24 MB: 2 s more; 96 MB
  // beside a 48 MB old generation: slower again, 16–18 s).
  const worker = startWorker(workerModule, data, {
    resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 64 },
  });
  const inbox = inboxOf(worker);
  // A page is asked for, and read by the thread, in a turn of its own; every way out of a turn
  // (the page, the end, a failure, the thread's death) ends it.
  const ask = () =>
    financeThreadTurns(() => {
      worker.postMessage('next');
      return inbox.next();
    });
  try {
    let asked = ask();
    for (;;) {
      const message = await asked;
      if (message instanceof Error) throw message;
      if (message.type === 'end') return;
      if (message.type === 'failed') throw new Error(`read-model scan failed: ${message.error}`);
      asked = ask();
      yield { text: message.text, rows: message.rows };
    }
  } finally {
    await worker.terminate();
  }
}
