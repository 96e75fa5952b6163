import type { EventStore, ReadModelStore } from '../domain/ports/index.js';
import type { AnyProjection } from './projection.js';
import { applyBatch, projectionFilter } from './projectionRunner.js';

/**
 * Replays the whole log into a fresh staging read model, page by page, each page and its
 * checkpoint in one transaction, then swaps it in for the live one in one transaction. Readers
 * keep the old read model until the swap; a running projection notices that its checkpoint
 * moved and resumes from the swapped-in one. Resolves with the number of events read, or `null`
 * when `signal` stopped it.
 */
export const rebuildProjection = async ({
  eventStore,
  readModels,
  projection,
  pageSize = 2_000,
  onProgress,
  signal,
}: Readonly<{
  eventStore: EventStore;
  readModels: ReadModelStore;
  projection: AnyProjection;
  pageSize?: number;
  /** Called after each page with the events read so far and the last position read. */
  onProgress?: (events: number, position: bigint) => void;
  /**
   * Stops the rebuild between two pages (Ctrl-C): the staging table is dropped, the live read
   * model is left as it was, and the promise resolves with `null`.
   */
  signal?: AbortSignal;
}>): Promise<number | null> => {
  const staged = readModels.stage(projection.name);
  const staging: AnyProjection = { ...projection, name: staged };
  let applied = 0;
  let after = 0n;
  for (;;) {
    if (signal !== undefined) {
      // The embedded store reads without I/O waits, so a rebuild would otherwise run to its end
      // in one stretch of promises, and a signal's handler only after it.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) {
        readModels.reset(staged);
        return null;
      }
    }
    const page = await eventStore.readAll({
      after,
      maxCount: pageSize,
      filter: projectionFilter,
    });
    if (page.length === 0) {
      readModels.swapIn(staged, projection.name);
      return applied;
    }
    applyBatch(readModels, staging, page);
    applied += page.length;
    after = page.at(-1)?.globalPosition ?? after;
    onProgress?.(applied, after);
  }
};
