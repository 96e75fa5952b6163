import { isPaymentEventType, type PaymentEvent } from '../domain/index.js';
import type { NewEvent, RecordedEvent } from '../domain/ports/index.js';

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
