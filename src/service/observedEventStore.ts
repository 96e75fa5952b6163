import { EventStoreFailed, StoreCorrupt, StoreFull } from '../domain/index.js';
import type { EventStore } from '../domain/ports/index.js';

/** How the event store's writes are going, as the service has seen them. */
export type WriteHealth = Readonly<{
  /** When the last write failed, if no write has succeeded since (epoch ms). */
  failedAt: number | null;
  /** Whether that failure was a full disk. */
  full: boolean;
  lastError: string | null;
  /** When the store was first found damaged (it does not heal by itself), or `null`. */
  corruptSince: number | null;
}>;

/** How long a failed write keeps the service not ready when nothing is written since. */
export const writeFailureStaleMs = 10_000;

export type ObservedEventStore = Readonly<{
  eventStore: EventStore;
  health: () => WriteHealth;
  /** Whether writes are failing now (a full disk), or the store was found damaged. */
  failing: () => boolean;
}>;

/**
 * The event store, watched: every append's outcome, and any read that finds the store damaged,
 * update `health()`, which `/readyz` and `/metrics` read. A failed write counts until a write
 * succeeds, or for 10 s when nothing is written (so that a service a load balancer took out of
 * rotation is tried again, and tells); damage counts until a restart. `onCorrupt` is told once,
 * when damage is first found.
 */
export const observeWrites = (
  eventStore: EventStore,
  {
    now = Date.now,
    onCorrupt,
  }: Readonly<{ now?: () => number; onCorrupt?: (error: StoreCorrupt) => void }> = {},
): ObservedEventStore => {
  let health: WriteHealth = { failedAt: null, full: false, lastError: null, corruptSince: null };
  const noticeDamage = (error: unknown) => {
    if (!(error instanceof StoreCorrupt) || health.corruptSince !== null) return;
    health = { ...health, corruptSince: now() };
    onCorrupt?.(error);
  };
  const watched = <T>(read: () => Promise<T>): Promise<T> =>
    read().catch((error: unknown) => {
      noticeDamage(error);
      throw error;
    });
  const observed: EventStore = {
    appendToStream: async (streamName, events, options) => {
      try {
        const result = await eventStore.appendToStream(streamName, events, options);
        if (health.failedAt !== null)
          health = { ...health, failedAt: null, full: false, lastError: null };
        return result;
      } catch (error) {
        noticeDamage(error);
        if (
          error instanceof StoreFull ||
          error instanceof StoreCorrupt ||
          error instanceof EventStoreFailed
        ) {
          health = {
            ...health,
            failedAt: now(),
            full: error instanceof StoreFull,
            lastError: error.message,
          };
        }
        throw error;
      }
    },
    readStream: (streamName) => watched(() => eventStore.readStream(streamName)),
    readAll: (options) => watched(() => eventStore.readAll(options)),
    subscribeToAll: (options) => eventStore.subscribeToAll(options),
    eventsAfter: (position) => eventStore.eventsAfter(position),
    leases: eventStore.leases,
    ping: () => eventStore.ping(),
    close: () => eventStore.close(),
  };
  return {
    eventStore: observed,
    health: () => health,
    failing: () =>
      health.corruptSince !== null ||
      (health.failedAt !== null && now() - health.failedAt < writeFailureStaleMs),
  };
};
