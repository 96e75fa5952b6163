import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import type { EventStore } from '../domain/ports/index.js';
import { createDeliveryLogFloor } from './deliveryLogFloor.js';
import { repairDeliveryLog, type DeliveryLogRepair, type LogSharing } from './repairDeliveryLog.js';

/**
 * How often the repair runs, and how long an event must have been recorded before it counts as
 * settled. Every pass reads only what was recorded since the last, so the ticks' count changes
 * the size of each pass, not the work in all. Once a minute (before the simulation of seed 151940)
 * left an entry a killed process lost missing for up to two minutes, while its twin process held
 * the repair's role and ran on.
 */
const repairEveryMs = 5_000;

/**
 * Repairs the delivery log in the background: first over everything recorded before this
 * process started (whatever a previous process acknowledged is settled), then every `everyMs`
 * over what has settled since (recorded at least `everyMs` ago), from where the last pass ended.
 * An entry a killed process lost is back within two ticks, without waiting for that process to
 * start again; a live entry written after its restored twin replaces it. The service does not
 * wait for it. A repair that fails is logged and tried again at the next tick. Returns a
 * function that stops the ticks and waits for a repair under way.
 */
export const startDeliveryLogRepair = ({
  eventStore,
  deliveryLog,
  clock,
  onRepaired,
  onError,
  everyMs = repairEveryMs,
  sharing,
  retentionDays,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  clock: Readonly<{ now: () => Date }>;
  onRepaired: (repair: DeliveryLogRepair) => void;
  onError: (error: unknown) => void;
  everyMs?: number;
  sharing?: LogSharing;
  /** Rejected entries older than this many days leave the log, a batch per turn of the loop. */
  retentionDays?: number;
}>): (() => Promise<void>) => {
  let running: Promise<void> | null = null;
  const floor = createDeliveryLogFloor();
  const repair = (settledBefore: Date) => {
    const loggedAfterId = floor.floor();
    running = Promise.resolve()
      .then(() => {
        floor.note(clock.now().getTime(), deliveryLog.lastId());
        return repairDeliveryLog({
          eventStore,
          deliveryLog,
          settledBefore: settledBefore.toISOString(),
          ...(sharing === undefined ? {} : { sharing }),
          ...(loggedAfterId === undefined ? {} : { loggedAfterId }),
        });
      })
      .then((repaired) => {
        floor.completed(settledBefore.getTime());
        onRepaired(repaired);
      })
      // A log that cannot be read (damaged) must not stop the service answering what it can.
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  repair(clock.now());
  const timer = setInterval(() => {
    // While the log's own writes fail, its queue holds entries the repair would write twice.
    if (running !== null || deliveryLog.health().failingSince !== null) return;
    repair(new Date(clock.now().getTime() - everyMs));
    if (retentionDays !== undefined) {
      pruneRejected(deliveryLog, new Date(clock.now().getTime() - retentionDays * 86_400_000));
    }
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
};

/**
 * Prunes the rejected entries received before `before`, 1,000 at a time with a turn of the event
 * loop between batches, so that a first prune of a large log never holds the service database.
 */
const pruneRejected = (deliveryLog: DeliveryLog, before: Date): void => {
  const step = () => {
    try {
      if (deliveryLog.pruneRejectedBefore(before.toISOString()) === 1_000) setImmediate(step);
    } catch {
      // A log that cannot be written now (a full disk) is pruned at a later tick.
    }
  };
  step();
};
