import type { EventStore, ReadModelStore } from '../domain/ports/index.js';
import type { AnyProjection } from './projection.js';
import { applyBatch, projectionFilter } from './projectionRunner.js';

/**
 * Brings a projection's read model up to the head of the log from its checkpoint, page by page
 * (a command that runs without `payrec serve` uses it before reading the model). Safe beside a
 * running projection: events at or below the checkpoint change nothing. Resolves with the number
 * of events applied.
 */
export const catchUpProjection = async ({
  eventStore,
  readModels,
  projection,
  pageSize = 2_000,
}: Readonly<{
  eventStore: EventStore;
  readModels: ReadModelStore;
  projection: AnyProjection;
  pageSize?: number;
}>): Promise<number> => {
  const stored = readModels.transaction((tx) => tx.checkpoint(projection.name));
  if (stored !== null && stored.version !== projection.version) readModels.reset(projection.name);
  let after = stored !== null && stored.version === projection.version ? stored.position : 0n;
  let applied = 0;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: pageSize, filter: projectionFilter });
    if (page.length === 0) return applied;
    applyBatch(readModels, projection, page);
    applied += page.length;
    after = page.at(-1)?.globalPosition ?? after;
  }
};
