import {
  paymentIdFromStreamName,
  paymentStreamPrefix,
  type FulfilmentStatus,
  type Money,
  type PaymentId,
  type PaymentStatus,
} from '../domain/index.js';
import type { JsonObject, RecordedEvent } from '../domain/ports/index.js';
import { fulfilmentMessageId } from '../application/fulfilmentMessage.js';
import { toPaymentEvent } from '../application/paymentEventCodec.js';
import type { Projection } from './projection.js';

/** One fulfilment as the `fulfilments` read model keeps it: the dispatcher's and operators' view. */
export type FulfilmentView = Readonly<{
  /** The `webhook-id` every attempt carries. */
  id: string;
  payment: PaymentId;
  key: string;
  from: PaymentStatus;
  to: PaymentStatus;
  amount: Money | null;
  orderId: string | null;
  status: FulfilmentStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  requestedAt: string;
  deliveredAt: string | null;
  updatedAt: string;
  /** The payment stream revision of the last event applied. */
  revision: number;
}>;

/**
 * Documents are keyed by payment and transition, not by `webhook-id`: a hash would put every
 * new document's index entry at a random place, which made each commit at ingest rate write
 * hundreds of scattered pages.
 */
const documentKey = (payment: PaymentId, key: string) =>
  `${payment.provider}/${payment.ref}#${key}`;

const fulfilmentDocumentId = (recorded: RecordedEvent): string | null => {
  if (!recorded.type.startsWith('Fulfilment')) return null;
  const payment = paymentIdFromStreamName(recorded.streamName);
  const key = recorded.data['key'];
  return payment && typeof key === 'string' ? documentKey(payment, key) : null;
};

const next = (view: FulfilmentView | null, recorded: RecordedEvent): FulfilmentView | null => {
  const event = toPaymentEvent(recorded);
  const revision = Number(recorded.revision);
  if (event === null) return null;
  switch (event.type) {
    case 'FulfilmentRequested': {
      const { payment, key, from, to, amount, orderId, requestedAt } = event.data;
      return {
        id: fulfilmentMessageId(payment, key),
        payment,
        key,
        from,
        to,
        amount,
        orderId,
        status: 'requested',
        attempts: 0,
        nextAttemptAt: requestedAt,
        lastError: null,
        requestedAt,
        deliveredAt: null,
        updatedAt: requestedAt,
        revision,
      };
    }
    case 'FulfilmentAttemptFailed': {
      if (view === null) return null;
      const { attempt, reason, failedAt, nextAttemptAt } = event.data;
      return {
        ...view,
        attempts: attempt,
        lastError: reason,
        nextAttemptAt,
        updatedAt: failedAt,
        revision,
      };
    }
    case 'FulfilmentDelivered': {
      if (view === null) return null;
      const { attempt, deliveredAt } = event.data;
      return {
        ...view,
        status: 'delivered',
        attempts: attempt,
        nextAttemptAt: null,
        deliveredAt,
        updatedAt: deliveredAt,
        revision,
      };
    }
    case 'FulfilmentExhausted': {
      if (view === null) return null;
      const { attempts, reason, exhaustedAt } = event.data;
      return {
        ...view,
        status: 'exhausted',
        attempts,
        lastError: reason,
        nextAttemptAt: null,
        updatedAt: exhaustedAt,
        revision,
      };
    }
    case 'FulfilmentRedriven': {
      if (view === null) return null;
      const { redrivenAt } = event.data;
      return {
        ...view,
        status: 'requested',
        attempts: 0,
        nextAttemptAt: redrivenAt,
        updatedAt: redrivenAt,
        revision,
      };
    }
    default:
      return null;
  }
};

/**
 * Every fulfilment notification and where it stands, keyed by its `webhook-id`; `dueAt` is the
 * next attempt of a requested one, which is what the dispatcher asks for. Idempotent: an event
 * at or below a document's revision changes nothing.
 */
export const fulfilmentsProjection: Projection = {
  name: 'fulfilments',
  // 2: rowid tables. 3: keyed by payment and transition.
  version: 3,
  // All payment events, though it uses only fulfilment ones: its checkpoint then follows the
  // head of the log like every projection's, so its lag reads true.
  filter: { streamPrefixes: [paymentStreamPrefix] },

  documentId: fulfilmentDocumentId,
  evolve: (document, recorded) => {
    const view = document as unknown as FulfilmentView | null;
    if (view !== null && Number(recorded.revision) <= view.revision) return null;
    const updated = next(view, recorded);
    if (updated === null) return null;
    return {
      id: documentKey(updated.payment, updated.key),
      document: updated as unknown as JsonObject,
      columns: {
        provider: updated.payment.provider,
        status: updated.status,
        updatedAt: updated.updatedAt,
        dueAt: updated.status === 'requested' ? updated.nextAttemptAt : null,
      },
    };
  },
};
