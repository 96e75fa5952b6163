import type { ReadinessCheck } from '../adapters/http/index.js';
import type { EventStore } from '../domain/ports/index.js';
import { projectionsReady } from '../projections/index.js';
import type { Projections } from './startProjections.js';

/** What `/readyz` checks: the event store answers, and the projections run near its head. */
export const readinessChecks = (
  eventStore: EventStore,
  projections: Projections,
): readonly ReadinessCheck[] => [
  { name: 'eventStore', check: () => eventStore.ping() },
  {
    name: 'projections',
    check: () => projectionsReady(projections.status(), (at) => eventStore.eventsAfter(at)),
  },
];
