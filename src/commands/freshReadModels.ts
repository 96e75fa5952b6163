import type { Config } from '../config.js';
import { catchUpProjection, createProjections } from '../projections/index.js';
import { createStatusEndpoints, type Storage } from '../service/index.js';

/**
 * Brings the named read models up to the head of the log before a command reads them: a command
 * may run with no `payrec serve` to keep them current. Safe beside a running `serve`.
 */
export const freshReadModels = async (
  config: Config,
  storage: Storage,
  names: readonly string[],
): Promise<void> => {
  const projections = createProjections(createStatusEndpoints(config).hasStatusEndpoint, {
    plantRefundsDropped: config.failpoints.includes('drop-refund-from-report'),
  });
  for (const projection of projections.filter((candidate) => names.includes(candidate.name))) {
    await catchUpProjection({
      eventStore: storage.eventStore,
      readModels: storage.readModels,
      projection,
    });
  }
};
