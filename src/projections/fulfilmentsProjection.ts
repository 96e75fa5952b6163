import {
  fulfilmentMessageId,
  paymentFromKey,
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
export const fulfilmentsProjection: Projection<FulfilmentDocument> = {
  name: 'fulfilments',
  // 2: rowid tables. 3: keyed by payment and transition. 4: documents leave out what the row's
  // id and their other fields say.
  version: 4,
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
  evolve: (stored, projected) => {
    const view = viewOf(stored, projected.payment);
    if (view !== null && projected.revision <= view.revision) return null;
    const updated = next(view, projected);
    if (updated === null) return null;
    return {
      id: documentKey(updated.payment, updated.key),
      document: fulfilmentDocumentOf(updated),
      columns: {
        provider: updated.payment.provider,
        status: updated.status,
        updatedAt: updated.updatedAt,
        dueAt: updated.status === 'requested' ? updated.nextAttemptAt : null,
      },
    };
  },
};

/** A fulfilment's document as the fulfilments projection writes it (`fulfilmentDocumentOf`). */
export type FulfilmentDocument = Readonly<Record<string, unknown>>;

/**
 * The document the fulfilments projection writes for a fulfilment: the view less its payment (the
 * row's id and every event name it), `lastError` and `deliveredAt` while null, and
 * `nextAttemptAt` and `requestedAt` while they are the update time (a notification not yet
 * attempted, the usual row, has all three the same). `storedFulfilment` restores each.
 */
export const fulfilmentDocumentOf = (view: FulfilmentView): FulfilmentDocument => {
  const { payment: _payment, lastError, deliveredAt, nextAttemptAt, requestedAt, ...kept } = view;
  const document: Record<string, unknown> = kept;
  if (lastError !== null) document['lastError'] = lastError;
  if (deliveredAt !== null) document['deliveredAt'] = deliveredAt;
  if (nextAttemptAt !== view.updatedAt) document['nextAttemptAt'] = nextAttemptAt;
  if (requestedAt !== view.updatedAt) document['requestedAt'] = requestedAt;
  return document;
};

/** A stored fulfilment document (or none) of a payment as the view it stands for. */
const viewOf = (document: unknown, payment: PaymentId): FulfilmentView | null => {
  if (document === null || document === undefined) return null;
  const stored = document as Partial<FulfilmentView>;
  const updatedAt = stored.updatedAt as string;
  return Object.assign({}, stored, {
    payment: stored.payment ?? payment,
    lastError: stored.lastError ?? null,
    deliveredAt: stored.deliveredAt ?? null,
    nextAttemptAt: 'nextAttemptAt' in stored ? (stored.nextAttemptAt ?? null) : updatedAt,
    requestedAt: stored.requestedAt ?? updatedAt,
  }) as FulfilmentView;
};

/**
 * A stored fulfilment document (`unknown` as the store returns it) as the view it stands for,
 * or `null`, given its row's id (the payment's key, `#` and the fulfilment's key, which names the
 * payment). Reads what `fulfilmentDocumentOf` writes, and the whole views earlier payrecs wrote.
 */
export const storedFulfilment = (document: unknown, rowId: string): FulfilmentView | null => {
  if (document === null || document === undefined) return null;
  const { key, payment: written } = document as Partial<FulfilmentView>;
  const payment = written ?? paymentFromKey(rowId.slice(0, rowId.length - (key ?? '').length - 1));
  if (payment === null) throw new Error(`The fulfilment row ${rowId} names no payment.`);
  return viewOf(document, payment);
};
