import {
  DeliveryLog as DeliveryLogClass,
  type DeliveryLog,
  restoredSource,
  type DeliveryLogEntry,
} from '../adapters/deliveryLog/deliveryLog.js';
import { paymentKey, paymentStreamPrefix, toPaymentEvent } from '../domain/index.js';
import type { Failpoints } from '../failpoints.js';
import type { RoleWork } from './roleKeeper.js';
import { opening } from './storeOpenFailure.js';
import type { EventStore } from '../domain/ports/index.js';

/** What a repair found and wrote. */
export type DeliveryLogRepair = Readonly<{ scanned: number; repaired: number; upTo: bigint }>;

type Found = {
  provider: string;
  receivedAt: string;
  deliveryId: string;
  size: number;
  payments: string[];
};

/**
 * Writes back into the delivery log every accepted delivery the event log holds and the log
 * lost. The two are separate files: an acknowledged delivery is durable in the event log first,
 * and its log entry is written up to 25 ms later, so a crash in between (`kill -9`, power)
 * loses the entry, never the delivery. The scan starts where the last repair ended; with
 * `settledBefore`, it stops at the first event recorded at or after that instant (deliveries still
 * in flight are the live log's to write), which lets it run beside a serving process.
 */
export const repairDeliveryLog = async ({
  eventStore,
  deliveryLog,
  settledBefore,
  pageSize = 5_000,
  maxDeliveriesPerPass = 100_000,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  settledBefore?: string;
  pageSize?: number;
  /** Deliveries held in memory at once; a longer stretch of the log is repaired in passes. */
  maxDeliveriesPerPass?: number;
}>): Promise<DeliveryLogRepair> => {
  let total = { scanned: 0, repaired: 0, upTo: deliveryLog.repairedUpTo() };
  for (;;) {
    const pass = await repairPass({
      eventStore,
      deliveryLog,
      after: total.upTo,
      pageSize,
      maxDeliveries: maxDeliveriesPerPass,
      ...(settledBefore === undefined ? {} : { settledBefore }),
    });
    total = {
      scanned: total.scanned + pass.scanned,
      repaired: total.repaired + pass.repaired,
      upTo: pass.upTo,
    };
    if (pass.complete) return total;
  }
};

/** One pass: at most `maxDeliveries` deliveries read, compared with the log, written back. */
const repairPass = async ({
  eventStore,
  deliveryLog,
  after: from,
  settledBefore,
  pageSize,
  maxDeliveries,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  after: bigint;
  settledBefore?: string;
  pageSize: number;
  maxDeliveries: number;
}>): Promise<DeliveryLogRepair & Readonly<{ complete: boolean }>> => {
  const found = new Map<string, Found>();
  let after = from;
  let scanned = 0;
  let complete = false;
  scan: for (;;) {
    if (found.size >= maxDeliveries) break;
    const page = await eventStore.readAll({
      after,
      maxCount: pageSize,
      filter: { streamPrefixes: [paymentStreamPrefix] },
    });
    if (page.length === 0) {
      complete = true;
      break;
    }
    for (const recorded of page) {
      if (settledBefore !== undefined && recorded.recordedAt >= settledBefore) {
        complete = true;
        break scan;
      }
      scanned += 1;
      after = recorded.globalPosition;
      const event = toPaymentEvent(recorded);
      if (event?.type !== 'ProviderReportRecorded') continue;
      const { evidence, payment } = event.data;
      if (evidence.channel !== 'webhook' || evidence.deliveryId === undefined) continue;
      const existing = found.get(evidence.deliveryId);
      if (existing) {
        existing.payments.push(paymentKey(payment));
        continue;
      }
      found.set(evidence.deliveryId, {
        provider: payment.provider,
        receivedAt: evidence.receivedAt,
        deliveryId: evidence.deliveryId,
        size: Buffer.byteLength(evidence.received?.body ?? ''),
        payments: [paymentKey(payment)],
      });
    }
  }
  const oldest = [...found.values()].reduce<string | null>(
    (earliest, entry) =>
      earliest === null || entry.receivedAt < earliest ? entry.receivedAt : earliest,
    null,
  );
  const logged = oldest === null ? new Set<string>() : deliveryLog.loggedSince(oldest);
  const missing: DeliveryLogEntry[] = [...found.values()]
    .filter((entry) => !logged.has(entry.deliveryId))
    .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1))
    .map((entry) => ({
      ...entry,
      outcome: 'accepted',
      code: null,
      sourceAddress: restoredSource,
    }));
  deliveryLog.recordRepaired(missing, after);
  return { scanned, repaired: missing.length, upTo: after, complete };
};

/**
 * Repairs the delivery log in the background: first over everything recorded before this
 * process started (whatever a previous process acknowledged is settled), then every minute over
 * what has settled since, so that the next start has little to scan. The service does not wait
 * for it. A repair that fails is logged and tried again at the next tick. Returns a
 * function that stops the ticks and waits for a repair under way.
 */
export const startDeliveryLogRepair = ({
  eventStore,
  deliveryLog,
  clock,
  onRepaired,
  onError,
  everyMs = 60_000,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  clock: Readonly<{ now: () => Date }>;
  onRepaired: (repair: DeliveryLogRepair) => void;
  onError: (error: unknown) => void;
  everyMs?: number;
}>): (() => Promise<void>) => {
  let running: Promise<void> | null = null;
  const repair = (settledBefore: string) => {
    running = repairDeliveryLog({ eventStore, deliveryLog, settledBefore })
      // A log that cannot be read (damaged) must not stop the service answering what it can.
      .then(onRepaired, onError)
      .finally(() => {
        running = null;
      });
  };
  repair(clock.now().toISOString());
  const timer = setInterval(() => {
    // While the log's own writes fail, its queue holds entries the repair would write twice.
    if (running !== null || deliveryLog.health().failingSince !== null) return;
    repair(new Date(clock.now().getTime() - everyMs).toISOString());
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
};

/**
 * The service's delivery log, in the service database, and its repair from the event log (at
 * once and then every minute, by the process that holds the role). `close` stops the repairs and
 * writes what is queued.
 */
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
  }: Readonly<{
    clock: Readonly<{ now: () => Date }>;
    /** For the crash tests: `delivery-log-before-write` kills the process before each write. */
    failpoints: Failpoints;
    logger: Readonly<{
      warn: (object: object, message: string) => void;
      error: (object: object, message: string) => void;
    }>;
  }>,
): Readonly<{
  deliveryLog: DeliveryLog;
  /** The repair, a role: one process at a time repairs the log its data directory shares. */
  repair: RoleWork;
  close: () => Promise<void>;
}> => {
  const deliveryLog = opening(
    { path: storage.servicePath, role: 'the service database', rebuildable: true },
    () =>
      new DeliveryLogClass(storage.serviceDb, {
        beforeWrite: () => {
          failpoints.hit('delivery-log-before-write');
        },
      }),
  );
  let stopRepair: (() => Promise<void>) | null = null;
  const repair: RoleWork = {
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
          logger.error({ err }, 'delivery log repair failed; it is tried again in a minute');
        },
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
    },
  };
};
