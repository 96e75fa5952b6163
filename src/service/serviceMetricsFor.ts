import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import { createServiceMetrics, type ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import type { Clock } from '../domain/ports/index.js';
import {
  paymentCountRows,
  paymentCountsDocumentId,
  paymentCountsProjection,
  paymentsProjectionName,
  type PaymentCounts,
} from '../projections/index.js';
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
    // Counted on a read thread: at 450,000 due payments the count took 32-87 ms, and pending
    // payments counted from the status index 18-24 ms, on the event loop of every scrape.
    paymentsDue: async () =>
      (
        await readModels.aggregateAll(paymentsProjectionName, [
          { groupBy: [], where: [{ column: 'dueAt', op: '<=', value: clock.now().toISOString() }] },
        ])
      )[0]?.[0]?.count ?? 0,
    // From the counts the payment_counts projection keeps, one document.
    paymentsOpen: () =>
      Object.fromEntries(
        paymentCountRows(
          readModels.get(
            paymentCountsProjection.name,
            paymentCountsDocumentId,
          ) as PaymentCounts | null,
        )
          .filter((row) => row.status === 'pending')
          .map((row) => [row.provider, row.count]),
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
