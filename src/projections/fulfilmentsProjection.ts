import {
  fulfilmentMessageId,
  paymentKey,
  type FulfilmentRequested,
  type FulfilmentStatus,
  type PaymentId,
} from '../domain/index.js';
import type { ProjectedEvent, Projection } from './projection.js';

/** One fulfilment as the `fulfilments` read model keeps it: the dispatcher's and operators' view. */
export type FulfilmentView = FulfilmentRequested['data'] &
  Readonly<{
    /** The `webhook-id` every attempt carries. */
    id: string;
    status: FulfilmentStatus;
    attempts: number;
    nextAttemptAt: string | null;
    lastError: string | null;
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
const documentKey = (payment: PaymentId, key: string) => `${paymentKey(payment)}#${key}`;

const fulfilmentDocumentId = ({ event, payment }: ProjectedEvent): string | null => {
  switch (event.type) {
    case 'FulfilmentRequested':
    case 'FulfilmentAttemptFailed':
    case 'FulfilmentDelivered':
    case 'FulfilmentExhausted':
    case 'FulfilmentRedriven':
      return documentKey(payment, event.data.key);
    default:
      return null;
  }
};

const next = (
  view: FulfilmentView | null,
  { event, revision }: ProjectedEvent,
): FulfilmentView | null => {
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
export const fulfilmentsProjection: Projection<FulfilmentView> = {
  name: 'fulfilments',
  // 2: rowid tables. 3: keyed by payment and transition.
  version: 3,
  // Its checkpoint follows the head of the log like every projection's (the runner moves it past
  // the events it does not handle), so its lag reads true.
  handles: [
    'FulfilmentRequested',
    'FulfilmentAttemptFailed',
    'FulfilmentDelivered',
    'FulfilmentExhausted',
    'FulfilmentRedriven',
  ],
  documentId: fulfilmentDocumentId,
  evolve: (view, projected) => {
    if (view !== null && projected.revision <= view.revision) return null;
    const updated = next(view, projected);
    if (updated === null) return null;
    return {
      id: documentKey(updated.payment, updated.key),
      document: updated,
      columns: {
        provider: updated.payment.provider,
        status: updated.status,
        updatedAt: updated.updatedAt,
        dueAt: updated.status === 'requested' ? updated.nextAttemptAt : null,
      },
    };
  },
};

/** A stored fulfilment document as it was written (by this projection), or `null`. */
export const storedFulfilment = (document: unknown): FulfilmentView | null =>
  document === null || document === undefined ? null : (document as FulfilmentView);
