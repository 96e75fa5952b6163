import {
  type DeliveryLog,
  restoredSource,
  type DeliveryLogEntry,
} from '../adapters/deliveryLog/deliveryLog.js';
import { paymentKey, toPaymentEvent, type PaymentEvent } from '../domain/index.js';
import type { EventStore, RecordedEvent } from '../domain/ports/index.js';
import { deliveriesRejectedType, rejectionsSharedBy } from './sharedRejections.js';

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

const providerReportRecorded: PaymentEvent['type'] = 'ProviderReportRecorded';

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
 * in flight are the live log's to write), which lets it run beside a serving process. It compares
 * with the log's entries after a floor (an id every entry of its deliveries comes after: the
 * higher of `loggedAfterId` and the one the last repair kept, which a pass that read to the event
 * log's end knows); without one, it reads the log back from the oldest delivery it found.
 */
export const repairDeliveryLog = async ({
  eventStore,
  deliveryLog,
  settledBefore,
  pageSize = 500,
  maxDeliveriesPerPass = 100_000,
  sharing,
  loggedAfterId,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  settledBefore?: string;
  /**
   * An id of the log that every entry for the deliveries left to repair comes after (the log's
   * newest id from before the oldest of them was recorded): the comparison reads only the entries
   * since, not a minute of slack before the oldest delivery.
   */
  loggedAfterId?: number;
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
      ...(loggedAfterId === undefined ? {} : { loggedAfterId }),
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

const highest = (...ids: Array<number | undefined>): number | undefined =>
  ids.reduce<number | undefined>(
    (high, id) => (id === undefined || (high !== undefined && high >= id) ? high : id),
    undefined,
  );

/** One pass: at most `maxDeliveries` deliveries read, compared with the log, written back. */
const repairPass = async ({
  eventStore,
  deliveryLog,
  after: from,
  settledBefore,
  pageSize,
  maxDeliveries,
  sharing,
  loggedAfterId,
}: Readonly<{
  eventStore: EventStore;
  deliveryLog: DeliveryLog;
  after: bigint;
  settledBefore?: string;
  sharing?: LogSharing;
  loggedAfterId?: number;
  pageSize: number;
  maxDeliveries: number;
}>): Promise<DeliveryLogRepair & Readonly<{ complete: boolean }>> => {
  const found = new Map<string, Found>();
  const rejectedElsewhere: DeliveryLogEntry[] = [];
  // Only the events that speak of deliveries, by type (the store's index): a delivery's report,
  // and with sharing the rejections the others share; a payment's other events are two thirds
  // of its stream, and reading them cost the event loop more than all the rest of a pass.
  const eventTypes: readonly string[] =
    sharing === undefined
      ? [providerReportRecorded]
      : [providerReportRecorded, deliveriesRejectedType];
  let after = from;
  let scanned = 0;
  let complete = false;
  // Read up to the log's end, the pass knows a floor for every later delivery: their events are
  // recorded after that read, and their entries written after their events, so after any id noted
  // before it (one note a pass, not one a page: a lower floor only reads a little more).
  const newestBeforeScan = deliveryLog.lastId();
  let floorAtEnd: number | undefined;
  scan: for (;;) {
    if (found.size + rejectedElsewhere.length >= maxDeliveries) break;
    const page = await eventStore.readAll({
      after,
      maxCount: pageSize,
      filter: { eventTypes },
    });
    if (page.length === 0) {
      complete = true;
      floorAtEnd = newestBeforeScan;
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
    // The event loop turns between pages: a pass beside a serving process reads its 1,500
    // deliveries at 300 a second (five seconds' worth) a page at a time, where one page of them
    // held the loop for 70-100 ms every five seconds (bench:isolation's profile).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const oldest = [...found.values()].reduce<string | null>(
    (earliest, entry) =>
      earliest === null || entry.receivedAt < earliest ? entry.receivedAt : earliest,
    null,
  );
  const lookedUpTo = deliveryLog.lastId();
  const floor = highest(loggedAfterId, deliveryLog.repairFloor());
  const logged =
    oldest === null
      ? new Set<string>()
      : floor === undefined
        ? await deliveryLog.loggedSince(oldest)
        : deliveryLog.acceptedAfter(floor);
  const missing: DeliveryLogEntry[] = [
    ...[...found.values()]
      .filter((entry) => !logged.has(entry.deliveryId))
      .map((entry): DeliveryLogEntry => ({ ...entry, outcome: 'accepted', code: null })),
    ...rejectedElsewhere,
  ].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1));
  deliveryLog.recordRepaired(missing, after, lookedUpTo, highest(floor, floorAtEnd) ?? null);
  const repaired = missing.filter((entry) => entry.sourceAddress === restoredSource).length;
  return { scanned, repaired, copied: missing.length - repaired, upTo: after, complete };
};
