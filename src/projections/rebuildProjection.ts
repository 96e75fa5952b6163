import type { EventStore, ReadModelStore } from '../domain/ports/index.js';
import type { Projection } from './projection.js';
import { applyBatch } from './projectionRunner.js';

/**
 * Drops a projection's read model and replays the whole log into it, page by page, each page
 * and its checkpoint in one transaction. Resolves with the number of events read.
 */
export const rebuildProjection = async ({
  eventStore,
  readModels,
  projection,
  pageSize = 2_000,
  onProgress,
}: Readonly<{
  eventStore: EventStore;
  readModels: ReadModelStore;
  projection: Projection;
  pageSize?: number;
  onProgress?: (events: number) => void;
}>): Promise<number> => {
  readModels.reset(projection.name);
  let applied = 0;
  let after = 0n;
  for (;;) {
    const page = await eventStore.readAll({
      after,
      maxCount: pageSize,
      filter: { streamPrefixes: [projection.streamPrefix] },
    });
    if (page.length === 0) return applied;
    applyBatch(readModels, projection, page);
    applied += page.length;
    after = page.at(-1)?.globalPosition ?? after;
    onProgress?.(applied);
  }
};
