import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import { createServiceMetrics, type ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import type { Clock } from '../domain/ports/index.js';
import { paymentsDue } from '../processors/index.js';
import { paymentsProjectionName } from '../projections/index.js';
import { financeFigures } from '../application/financeFigures.js';
import type { Storage } from './openStorage.js';
import type { Projections } from './startProjections.js';

/** The service's Prometheus metrics, read from its stores, its projections and its logs. */
export const serviceMetricsFor = ({
  storage,
  deliveryLog,
  projections,
  clock,
}: Readonly<{
  storage: Storage;
  deliveryLog: DeliveryLog;
  projections: Projections;
  clock: Clock;
}>): ServiceMetrics => {
  const { eventStore, readModels } = storage;
  return createServiceMetrics({
    projections: () => projections.status(),
    eventsAfter: (position) => eventStore.eventsAfter(position),
    paymentsDue: () => paymentsDue(readModels).countDue(clock.now().toISOString()),
    paymentsOpen: () =>
      Object.fromEntries(
        readModels
          .aggregate(paymentsProjectionName, {
            groupBy: ['provider'],
            where: [{ column: 'status', op: '=', value: 'pending' }],
          })
          .map((group) => [String(group.key['provider'] ?? ''), group.count]),
      ),
    finance: () => financeFigures(readModels, clock.now()),
    storage: () => ({
      failing: {
        event_log: storage.writes.failing(),
        delivery_log: deliveryLog.health().failingSince !== null,
        checkpoints: projections.storageErrors().length > 0,
      },
      deliveryLogQueued: deliveryLog.health().queued,
    }),
  });
};
