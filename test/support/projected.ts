import type { Service } from '../../src/main.js';
import { projectionFilter } from '../../src/projections/index.js';
import { waitFor } from './waitFor.js';

/**
 * Waits until every projection of an in-process service has applied every payment event its log
 * holds now (an embedded log of up to 100,000 events). Events of other streams (console
 * sessions) are not theirs to apply, so the last payment event is the mark.
 */
export const projected = async (service: Service): Promise<void> => {
  const events = await service.eventStore.readAll({ maxCount: 100_000, filter: projectionFilter });
  const head = Number(events.at(-1)?.globalPosition ?? 0n);
  await waitFor(() => {
    const statuses = service.projections.status();
    return statuses.length > 0 && statuses.every((status) => Number(status.position) >= head)
      ? true
      : undefined;
  });
};
