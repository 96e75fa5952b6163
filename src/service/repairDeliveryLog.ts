import {
  DeliveryLog as DeliveryLogClass,
  type DeliveryLog,
  restoredSource,
  type DeliveryLogEntry,
} from '../adapters/deliveryLog/deliveryLog.js';
import { paymentKey, paymentStreamPrefix, toPaymentEvent } from '../domain/index.js';
import type { Failpoints } from '../failpoints.js';
import { opening } from './storeOpenFailure.js';
import type { EventStore, RecordedEvent } from '../domain/ports/index.js';
import {
  createRejectionSharing,
  rejectedDeliveriesStream,
  rejectionsSharedBy,
} from './sharedRejections.js';

/**
 * For a process that keeps a delivery log of its own (`own-data-dir`): which one it is, so that
 * the repair also copies in what the others accepted and rejected.
 */
export type LogSharing = Readonly<{ instance: string }>;

/**
 * What a repair found and wrote: `repaired` entries this log had lost, `copied` entries of
 * deliveries other processes received (with `sharing` only).
 */
export type DeliveryLogRepair = Readonly<{
  scanned: number;
  repaired: number;
  copied: number;
  upTo: bigint;
}>;

type Found = {
  provider: string;
  receivedAt: string;
  deliveryId: string;
  size: number;
  sourceAddress: string;
  payments: string[];
};

/** Where an entry the repair writes came from: another process, or this one's lost entry. */
const sourceOf = (recorded: RecordedEvent, sharing: LogSharing | undefined): string => {
  const instance = recorded.metadata?.['instance'];
  return sharing !== undefined && typeof instance === 'string' && instance !== sharing.instance
    ? `(received by ${instance})`
    : restoredSource;
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
  sharing,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  settledBefore?: string;
  /** A log of this process's own: copy in the other processes' deliveries too. */
  sharing?: LogSharing;
  pageSize?: number;
  /** Deliveries held in memory at once; a longer stretch of the log is repaired in passes. */
  maxDeliveriesPerPass?: number;
}>): Promise<DeliveryLogRepair> => {
  let total = { scanned: 0, repaired: 0, copied: 0, upTo: deliveryLog.repairedUpTo() };
  for (;;) {
    const pass = await repairPass({
      eventStore,
      deliveryLog,
      after: total.upTo,
      pageSize,
      maxDeliveries: maxDeliveriesPerPass,
      ...(settledBefore === undefined ? {} : { settledBefore }),
      ...(sharing === undefined ? {} : { sharing }),
    });
    total = {
      scanned: total.scanned + pass.scanned,
      repaired: total.repaired + pass.repaired,
      copied: total.copied + pass.copied,
      upTo: pass.upTo,
    };
    if (pass.complete) return total;
  }
};

/**
 * Notes what one event says of the deliveries: a webhook delivery's report (its payments
 * gathered under its id) in `found`, another process's shared rejections in `rejectedElsewhere`.
 */
const noteDelivery = (
  recorded: RecordedEvent,
  sharing: LogSharing | undefined,
  found: Map<string, Found>,
  rejectedElsewhere: DeliveryLogEntry[],
): void => {
  const shared = sharing === undefined ? null : rejectionsSharedBy(recorded);
  if (shared !== null) {
    if (shared.instance !== sharing?.instance) rejectedElsewhere.push(...shared.entries);
    return;
  }
  const event = toPaymentEvent(recorded);
  if (event?.type !== 'ProviderReportRecorded') return;
  const { evidence, payment } = event.data;
  if (evidence.channel !== 'webhook' || evidence.deliveryId === undefined) return;
  const existing = found.get(evidence.deliveryId);
  if (existing) {
    existing.payments.push(paymentKey(payment));
    return;
  }
  found.set(evidence.deliveryId, {
    provider: payment.provider,
    receivedAt: evidence.receivedAt,
    deliveryId: evidence.deliveryId,
    size: Buffer.byteLength(evidence.received?.body ?? ''),
    sourceAddress: sourceOf(recorded, sharing),
    payments: [paymentKey(payment)],
  });
};

/** One pass: at most `maxDeliveries` deliveries read, compared with the log, written back. */
const repairPass = async ({
  eventStore,
  deliveryLog,
  after: from,
  settledBefore,
  pageSize,
  maxDeliveries,
  sharing,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  after: bigint;
  settledBefore?: string;
  sharing?: LogSharing;
  pageSize: number;
  maxDeliveries: number;
}>): Promise<DeliveryLogRepair & Readonly<{ complete: boolean }>> => {
  const found = new Map<string, Found>();
  const rejectedElsewhere: DeliveryLogEntry[] = [];
  const streamPrefixes =
    sharing === undefined ? [paymentStreamPrefix] : [paymentStreamPrefix, rejectedDeliveriesStream];
  let after = from;
  let scanned = 0;
  let complete = false;
  scan: for (;;) {
    if (found.size + rejectedElsewhere.length >= maxDeliveries) break;
    const page = await eventStore.readAll({
      after,
      maxCount: pageSize,
      filter: { streamPrefixes },
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
      noteDelivery(recorded, sharing, found, rejectedElsewhere);
    }
  }
  const oldest = [...found.values()].reduce<string | null>(
    (earliest, entry) =>
      earliest === null || entry.receivedAt < earliest ? entry.receivedAt : earliest,
    null,
  );
  const lookedUpTo = deliveryLog.lastId();
  const logged = oldest === null ? new Set<string>() : deliveryLog.loggedSince(oldest);
  const missing: DeliveryLogEntry[] = [
    ...[...found.values()]
      .filter((entry) => !logged.has(entry.deliveryId))
      .map((entry): DeliveryLogEntry => ({ ...entry, outcome: 'accepted', code: null })),
    ...rejectedElsewhere,
  ].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1));
  deliveryLog.recordRepaired(missing, after, lookedUpTo);
  const repaired = missing.filter((entry) => entry.sourceAddress === restoredSource).length;
  return { scanned, repaired, copied: missing.length - repaired, upTo: after, complete };
};

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
  const repair = (settledBefore: string) => {
    running = repairDeliveryLog({
      eventStore,
      deliveryLog,
      settledBefore,
      ...(sharing === undefined ? {} : { sharing }),
    })
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
