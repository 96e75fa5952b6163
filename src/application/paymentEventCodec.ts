import { v5 as uuidv5 } from 'uuid';
import { isPaymentEventType, type PaymentEvent } from '../domain/index.js';
import type { NewEvent, RecordedEvent } from '../domain/ports/index.js';

/** The namespace of payrec's name-based (v5) event ids. */
const eventIdNamespace = 'a9b3f3c2-5d0e-4f4e-9a63-2f0f1c8f6d11';

/**
 * Event ids are derived from what caused them (the stream, the delivery or registration, and the
 * event's place in the decision), so a retried append of the same decision reuses the same ids
 * and the store recognises it, while two different deliveries never share one.
 */
export const paymentEventId = (
  streamName: string,
  cause: string,
  index: number,
  type: string,
): string => uuidv5(`${streamName}\n${cause}\n${index}\n${type}`, eventIdNamespace);

export const toNewEvent = (event: PaymentEvent, id: string): NewEvent => ({
  id,
  type: event.type,
  data: event.data,
  metadata: { schemaVersion: 1 },
});

/**
 * The domain event stored in a recorded event, or `null` for an event type this version of
 * payrec does not know (written by a newer version or another application): skipped, not fatal.
 */
export const toPaymentEvent = (recorded: RecordedEvent): PaymentEvent | null =>
  isPaymentEventType(recorded.type)
    ? ({ type: recorded.type, data: recorded.data } as unknown as PaymentEvent)
    : null;
