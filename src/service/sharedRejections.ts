import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DeliveryLogEntry } from '../adapters/deliveryLog/deliveryLog.js';
import type { EventStore, RecordedEvent } from '../domain/ports/index.js';

/**
 * Rejected deliveries shared through the event store, for processes that each keep a delivery log
 * of their own (several hosts over one EventStoreDB). An accepted delivery is in the payment
 * streams already, and every process's repair writes it into its log; a rejected one is written
 * nowhere else, so each process appends what it rejected here, a batch per write of its log, and
 * the others' repairs copy it into theirs. Nothing here touches a payment stream.
 */
export const rejectedDeliveriesStream = 'payrec-deliveries-rejected';

export const deliveriesRejectedType = 'DeliveriesRejected';

/** Entries one process holds back while the store cannot be written; past it, the oldest go. */
const maxPending = 10_000;

const sharedEntrySchema = z.object({
  provider: z.string().min(1),
  receivedAt: z.string(),
  deliveryId: z.string().nullable(),
  code: z.string().nullable(),
  size: z.number().int().nonnegative(),
  sourceAddress: z.string(),
});

const deliveriesRejectedSchema = z.object({
  instance: z.string(),
  entries: z.array(sharedEntrySchema),
});

/** What another process rejected, as it logged it; `null` for any other event or a damaged one. */
export const rejectionsSharedBy = (
  recorded: RecordedEvent,
): Readonly<{ instance: string; entries: DeliveryLogEntry[] }> | null => {
  if (recorded.streamName !== rejectedDeliveriesStream) return null;
  if (recorded.type !== deliveriesRejectedType) return null;
  const parsed = deliveriesRejectedSchema.safeParse(recorded.data);
  if (!parsed.success) return null;
  return {
    instance: parsed.data.instance,
    entries: parsed.data.entries.map((entry) => ({
      ...entry,
      outcome: 'rejected',
      payments: [],
    })),
  };
};

/**
 * Appends this process's rejected deliveries to the shared stream, one event per batch, one
 * append at a time. An append that fails (the store unreachable) keeps its entries for the next
 * batch, up to 10,000; the process's own log has them whatever happens here. `flush` waits for
 * what is queued.
 */
export const createRejectionSharing = ({
  eventStore,
  instance,
  onError,
}: Readonly<{
  eventStore: EventStore;
  instance: string;
  onError: (error: unknown) => void;
}>) => {
  let pending: DeliveryLogEntry[] = [];
  let sending: Promise<void> | null = null;
  const send = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await eventStore.appendToStream(
          rejectedDeliveriesStream,
          [
            {
              id: randomUUID(),
              type: deliveriesRejectedType,
              data: {
                instance,
                entries: batch.map((entry) => ({
                  provider: entry.provider,
                  receivedAt: entry.receivedAt,
                  deliveryId: entry.deliveryId,
                  code: entry.code,
                  size: entry.size,
                  sourceAddress: entry.sourceAddress,
                })),
              },
              metadata: { instance },
            },
          ],
          { expectedRevision: 'any' },
        );
      } catch (error) {
        pending = [...batch, ...pending].slice(-maxPending);
        onError(error);
        return;
      }
    }
  };
  return {
    /** Queues the rejected ones among entries the log has written. */
    share: (entries: readonly DeliveryLogEntry[]): void => {
      const rejected = entries.filter((entry) => entry.outcome === 'rejected');
      if (rejected.length === 0) return;
      pending = [...pending, ...rejected].slice(-maxPending);
      sending ??= send().finally(() => {
        sending = null;
      });
    },
    /** Waits for the append under way (a stop). */
    flush: async (): Promise<void> => {
      await sending;
    },
  };
};
