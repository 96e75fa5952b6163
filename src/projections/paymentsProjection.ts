import {
  evolve,
  initialState,
  paymentIdFromStreamName,
  paymentStreamPrefix,
  type KnownPayment,
  type PaymentState,
} from '../domain/index.js';
import type { JsonObject, RecordedEvent } from '../domain/ports/index.js';
import { toPaymentEvent } from '../application/paymentEventCodec.js';
import { nextCheckAt } from '../application/reconciliationSchedule.js';
import type { Projection } from './projection.js';

/** A payment's state as stored by the `payments` projection: the domain state plus its version. */
type StoredPayment = Omit<KnownPayment, 'seenDeliveryKeys'> & {
  seenDeliveryKeys: string[];
  /** The stream revision of the last event applied. */
  version: number;
};

const toState = (document: JsonObject | null): PaymentState => {
  if (document === null) return initialState();
  const stored = document as unknown as StoredPayment;
  return { ...stored, seenDeliveryKeys: new Set(stored.seenDeliveryKeys) };
};

/**
 * The current state of every payment, folded with the domain's own `evolve`, so the read model
 * can never disagree with what the decider sees. Idempotent: an event at or below the
 * document's version changes nothing.
 */
export const paymentsProjection: Projection = {
  name: 'payments',
  // 2: documents gained `fulfilments`; read models moved to a table per projection.
  // 3: status checks and `dueAt`, the poller's next check. 4: first and last evidence.
  // 5: rowid tables.
  version: 5,
  filter: { streamPrefixes: [paymentStreamPrefix] },
  documentId: (event: RecordedEvent) => {
    const id = paymentIdFromStreamName(event.streamName);
    return id ? `${id.provider}/${id.ref}` : null;
  },
  evolve: (document, recorded) => {
    const version = document === null ? -1 : (document['version'] as number);
    if (Number(recorded.revision) <= version) return null;
    const event = toPaymentEvent(recorded);
    if (event === null) return null;
    const state = evolve(toState(document), event);
    if (state.status === 'unknown') return null;
    const stored: StoredPayment = {
      ...state,
      seenDeliveryKeys: [...state.seenDeliveryKeys],
      version: Number(recorded.revision),
    };
    return {
      id: `${state.payment.provider}/${state.payment.ref}`,
      document: stored as unknown as JsonObject,
      columns: {
        provider: state.payment.provider,
        status: state.status,
        updatedAt: state.updatedAt,
        dueAt: nextCheckAt(state),
      },
    };
  },
};

/** The stored document as the domain's payment state. */
export const paymentStateFromDocument = (document: JsonObject | null): PaymentState =>
  toState(document);
