import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import type { ReadinessCheck } from '../adapters/http/index.js';
import type { EventStore } from '../domain/ports/index.js';
import { projectionsReady } from '../projections/index.js';
import type { Projections } from './startProjections.js';

/**
 * What `/readyz` checks: the event store answers and takes writes (a full disk is not ready),
 * the delivery log's writes succeed, the projections run near the head of the log without a
 * standing error, and the background checkpoints succeed. Each recovers by itself.
 */
export const readinessChecks = ({
  eventStore,
  writesFailing,
  deliveryLog,
  projections,
}: Readonly<{
  eventStore: EventStore;
  writesFailing: () => boolean;
  deliveryLog: DeliveryLog;
  projections: Projections;
}>): readonly ReadinessCheck[] => [
  { name: 'eventStore', check: () => eventStore.ping() },
  { name: 'eventStoreWrites', check: () => Promise.resolve(!writesFailing()) },
  {
    name: 'deliveryLog',
    check: () => Promise.resolve(deliveryLog.health().failingSince === null),
  },
  {
    name: 'projections',
    check: () => projectionsReady(projections.status(), (at) => eventStore.eventsAfter(at)),
  },
  { name: 'checkpoints', check: () => Promise.resolve(projections.storageErrors().length === 0) },
];
