import { isPaymentEventType, type PaymentEvent } from './paymentEvents.js';
import { evolve } from './evolvePayment.js';
import { initialState, type PaymentState } from './paymentState.js';
import type { NewEvent, RecordedEvent } from './ports/index.js';

/** The stored form of a payment event; `instance` names the payrec process that wrote it. */
export const toNewEvent = (event: PaymentEvent, id: string, instance?: string): NewEvent => ({
  id,
  type: event.type,
  data: event.data,
  metadata: instance === undefined ? { schemaVersion: 1 } : { schemaVersion: 1, instance },
});

/**
 * The domain event stored in a recorded event, or `null` for an event type this version of
 * payrec does not know (written by a newer version or another application): skipped, not fatal.
 * This is the one place stored data becomes a typed event: payrec wrote it from the same types
 * (`toNewEvent`), and a change of an event's shape is a new event type, never an edit.
 */
export const toPaymentEvent = (recorded: RecordedEvent): PaymentEvent | null =>
  isPaymentEventType(recorded.type)
    ? ({ type: recorded.type, data: recorded.data } as unknown as PaymentEvent)
    : null;

/** A payment's state folded from its stored events, oldest first; unknown types are skipped. */
export const foldRecorded = (recorded: Iterable<RecordedEvent>): PaymentState => {
  let state = initialState();
  for (const event of recorded) {
    const domainEvent = toPaymentEvent(event);
    if (domainEvent) state = evolve(state, domainEvent);
  }
  return state;
};
