import {
  DeliveryLog as DeliveryLogClass,
  type DeliveryLog,
} from '../adapters/deliveryLog/deliveryLog.js';
import type { Failpoints } from '../failpoints.js';
import type { EventStore } from '../domain/ports/index.js';
import { type LogSharing } from './repairDeliveryLog.js';
import { startDeliveryLogRepair } from './scheduleDeliveryLogRepair.js';
import { opening } from './storeOpenFailure.js';
import { createRejectionSharing } from './sharedRejections.js';

/** Work that writes nothing to the event store: a role's work needing no fence, or a process's own. */
type LocalWork = Readonly<{ start: () => void; stop: () => Promise<void> }>;

/**
 * The service's delivery log, in the service database, and its repair from the event log. On a
 * shared data directory the repair runs at once and then every 5 seconds, by the process that
 * holds its role. With `sharing` (a data directory of the process's own), every process runs it
 * for its own log, as often, copying in what the others accepted and rejected, and shares what it
 * rejects itself through the event store. `close` stops the repairs and writes what is queued.
 */
/* eslint-disable max-lines-per-function -- a factory: the log and its repair's closures, started and stopped together */
export const openDeliveryLog = (
  storage: Readonly<{
    eventStore: EventStore;
    serviceDb: ConstructorParameters<typeof DeliveryLogClass>[0];
    servicePath: string;
  }>,
  {
    clock,
    logger,
    failpoints,
    sharing,
    retentionDays,
  }: Readonly<{
    clock: Readonly<{ now: () => Date }>;
    sharing?: LogSharing;
    /** `PAYREC_DELIVERY_LOG_RETENTION_DAYS`: how long rejected entries stay. */
    retentionDays?: number;
    /** For the crash tests: `delivery-log-before-write` kills the process before each write. */
    failpoints: Failpoints;
    logger: Readonly<{
      warn: (object: object, message: string) => void;
      error: (object: object, message: string) => void;
    }>;
  }>,
): Readonly<{
  deliveryLog: DeliveryLog;
  /**
   * The repair: a role on a shared data directory (one process at a time repairs the log it
   * shares); with `sharing`, every process's own work.
   */
  repair: LocalWork;
  close: () => Promise<void>;
}> => {
  const rejections =
    sharing === undefined
      ? null
      : createRejectionSharing({
          eventStore: storage.eventStore,
          instance: sharing.instance,
          onError: (err) => {
            logger.warn(
              { err },
              'delivery log: rejected deliveries could not be shared; they are kept for the next try',
            );
          },
        });
  const deliveryLog = opening(
    { path: storage.servicePath, role: 'the service database', rebuildable: true },
    () =>
      new DeliveryLogClass(storage.serviceDb, {
        beforeWrite: () => {
          failpoints.hit('delivery-log-before-write');
        },
        ...(rejections === null ? {} : { onFlushed: rejections.share }),
      }),
  );
  let stopRepair: (() => Promise<void>) | null = null;
  const repair: LocalWork = {
    start: () => {
      stopRepair ??= startDeliveryLogRepair({
        eventStore: storage.eventStore,
        deliveryLog,
        clock,
        onRepaired: ({ repaired }) => {
          if (repaired > 0)
            logger.warn({ repaired }, 'delivery log: restored entries from the event log');
        },
        onError: (err) => {
          logger.error({ err }, 'delivery log repair failed; it is tried again at its next tick');
        },
        ...(sharing === undefined ? {} : { sharing }),
        ...(retentionDays === undefined ? {} : { retentionDays }),
      });
    },
    stop: async () => {
      const stopping = stopRepair;
      stopRepair = null;
      await stopping?.();
    },
  };
  return {
    deliveryLog,
    repair,
    close: async () => {
      await repair.stop();
      deliveryLog.flush();
      await rejections?.flush();
    },
  };
};
/* eslint-enable max-lines-per-function */
