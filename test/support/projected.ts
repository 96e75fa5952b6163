import type { Service } from '../../src/main.js';
import { waitFor } from './waitFor.js';

/**
 * Waits until every projection of an in-process service has applied every event its log holds
 * now (an embedded log of up to 100,000 events, where positions run 1, 2, 3…).
 */
export const projected = async (service: Service): Promise<void> => {
  const head = (await service.eventStore.readAll({ maxCount: 100_000 })).length;
  await waitFor(() => {
    const statuses = service.projections.status();
    return statuses.length > 0 && statuses.every((status) => Number(status.position) >= head)
      ? true
      : undefined;
  });
};
