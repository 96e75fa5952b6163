import {
  paymentIdFromStreamName,
  paymentStreamName,
  paymentStreamPrefix,
  type PaymentId,
  type ProviderName,
  type ProviderReportRecorded,
  type Verification,
  toPaymentEvent,
} from '../domain/index.js';
import type { EventStore, RecordedEvent } from '../domain/ports/index.js';
import type { ReceivedDelivery } from './verifiedDelivery.js';

/** A delivery as the log keeps it: enough to verify it again and run it through the decider. */
export type StoredDelivery = Readonly<{
  deliveryId: string;
  provider: ProviderName;
  receivedAt: string;
  /** How it was verified when it arrived. */
  verification: Verification;
  received: ReceivedDelivery;
  /** The payments whose streams recorded it. */
  payments: readonly PaymentId[];
}>;

const recordedDelivery = (
  recorded: RecordedEvent,
  deliveryId: string,
): ProviderReportRecorded['data'] | null => {
  const event = toPaymentEvent(recorded);
  if (event?.type !== 'ProviderReportRecorded') return null;
  const { data } = event;
  return data.evidence.deliveryId === deliveryId && data.evidence.received !== undefined
    ? data
    : null;
};

/**
 * Finds a stored delivery by id in the event log. `candidates` (from the delivery log) narrows
 * the search to those payments' streams; without them, or when they do not hold it, the whole
 * log is scanned, so a lost delivery-log row never makes a delivery unreachable.
 */
export const findStoredDelivery = async (
  eventStore: EventStore,
  deliveryId: string,
  candidates: readonly PaymentId[] = [],
): Promise<StoredDelivery | null> => {
  const found: Array<ProviderReportRecorded['data']> = [];
  for (const payment of candidates) {
    for (const event of await eventStore.readStream(paymentStreamName(payment))) {
      const data = recordedDelivery(event, deliveryId);
      if (data) found.push(data);
    }
  }
  if (found.length === 0) {
    let after = 0n;
    for (;;) {
      const page = await eventStore.readAll({
        after,
        maxCount: 5_000,
        filter: { streamPrefixes: [paymentStreamPrefix] },
      });
      if (page.length === 0) break;
      for (const event of page) {
        const data = recordedDelivery(event, deliveryId);
        if (data && paymentIdFromStreamName(event.streamName)) found.push(data);
      }
      after = page.at(-1)?.globalPosition ?? after;
    }
  }
  const first = found[0];
  if (first?.evidence.received === undefined) return null;
  return {
    deliveryId,
    provider: first.payment.provider,
    receivedAt: first.evidence.receivedAt,
    verification: first.evidence.verification,
    received: first.evidence.received,
    payments: found.map((data) => data.payment),
  };
};
