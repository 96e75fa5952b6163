import type { RecordedEvent, SubscribeOptions, Subscription } from '../../../domain/ports/index.js';

export type PollingSubscriptionOptions = Readonly<{
  options: SubscribeOptions;
  /** Up to `maxCount` matching events after `after`, in order. */
  readPage: (after: bigint, maxCount: number) => RecordedEvent[];
  /** The newest position in the whole log (matching or not). */
  headPosition: () => bigint;
  /** Resolves on the next local append, or after `timeoutMs` at the latest. */
  waitForAppend: (timeoutMs: number) => Promise<void>;
  pollIntervalMs: number;
  pageSize?: number;
}>;

/**
 * A catch-up subscription over a log that can be read page by page: it reads everything after
 * the checkpoint, then waits for the next append (or the poll interval, for appends made by
 * other processes) and reads again.
 */
export const createPollingSubscription = ({
  options,
  readPage,
  headPosition,
  waitForAppend,
  pollIntervalMs,
  pageSize = 512,
}: PollingSubscriptionOptions): Subscription => {
  let stopped = false;
  // A function, not the variable: `unsubscribe` flips it while the generator is suspended.
  const isStopped = () => stopped;
  let position = options.fromEnd === true ? headPosition() : (options.after ?? 0n);

  async function* events(): AsyncGenerator<RecordedEvent> {
    while (!isStopped()) {
      // The head is read before the page: if the page comes back short, every event up to the
      // head has been considered, including ones the filter skipped, so the scan can move past them.
      const head = headPosition();
      const page = readPage(position, pageSize);
      for (const event of page) {
        if (isStopped()) return;
        position = event.globalPosition;
        yield event;
      }
      if (page.length < pageSize) {
        if (head > position) position = head;
        await waitForAppend(pollIntervalMs);
      } else {
        // Catching up, page after full page: let the thread's timers and messages run between
        // pages (reading is synchronous), or a long catch-up starves them: status reports, stop.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    scannedTo: () => position,
    unsubscribe: async () => {
      stopped = true;
      await iterator.return(undefined);
    },
  };
};
