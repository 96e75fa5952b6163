import {
  evolve,
  initialState,
  paymentEventTypes,
  paymentKey,
  type KnownPayment,
  type PaymentId,
  type PaymentState,
  type ProviderName,
  nextCheckAt,
} from '../domain/index.js';
import type { ReadModelTable } from '../domain/ports/index.js';
import type { Projection } from './projection.js';
import {
  paymentDocumentOf,
  storedPaymentOf,
  type PaymentDocument,
  type StoredPayment,
} from './storedPaymentDocument.js';

export type { StoredPayment } from './storedPaymentDocument.js';

/** Whether a provider has a status endpoint (Kraken Pay has none): it decides when one is due. */
export type HasStatusEndpoint = (provider: ProviderName) => boolean;

export const paymentsProjectionName = 'payments';

/**
 * The payments read model's own columns and indexes: every filter of `GET /payments` and of the
 * payments export is one index range, or a short walk of the sort index (docs/http.md).
 */
export const paymentsTable: ReadModelTable = {
  columns: {
    ref: 'text',
    createdAt: 'instant',
    orderId: 'text',
    currency: 'text',
    amountMinor: 'integer',
    /** How many discrepancies are open; null when none (so the index holds only those). */
    openDiscrepancies: 'integer',
  },
  indexes: [
    // By creation time, covering every column but the document: an export in creation order (the
    // default) reads this index alone, never the rows (measured on 1M payments: the row lookups
    // were most of the export's time).
    {
      columns: [
        'createdAt',
        'id',
        'provider',
        'status',
        'updatedAt',
        'dueAt',
        'ref',
        'orderId',
        'currency',
        'amountMinor',
        'openDiscrepancies',
      ],
    },
    // By status in update order (the list's default), carrying provider and currency after the
    // id (the order stays status, update time, id): a count of status + provider + currency reads
    // this index alone, where the base index by status made it fetch every row of the status
    // (measured on 1M payments: p50 107 ms for the first page, most of it the count).
    { columns: ['status', 'updatedAt', 'id', 'provider', 'currency'] },
    { columns: ['status', 'createdAt'] },
    { columns: ['provider', 'updatedAt'] },
    { columns: ['provider', 'createdAt'] },
    { columns: ['currency', 'updatedAt'] },
    { columns: ['currency', 'createdAt'] },
    { columns: ['orderId'] },
    { columns: ['amountMinor'] },
    { columns: ['updatedAt'], whereNotNull: 'openDiscrepancies' },
    { columns: ['createdAt'], whereNotNull: 'openDiscrepancies' },
  ],
  // Its own index by status replaces the base one.
  baseIndexes: ['updated', 'due'],
};

/** The amount a payment is for: the registered one, else the last one a provider reported. */
export const paymentAmount = (state: KnownPayment) =>
  state.expected?.amount ?? state.reportedAmount?.amount ?? null;

/** A stored payment document (as the store returns it) as the payment it stands for, or `null`. */
export const storedPayment = storedPaymentOf;

/** The domain's state of a stored payment; no delivery keys seen, as the read model keeps none. */
const toState = (stored: StoredPayment | null): PaymentState =>
  stored === null
    ? initialState()
    : Object.assign({}, stored, { seenDeliveryKeys: new Set<string>() });

/**
 * The current state of every payment, folded with the domain's own `evolve`, so the read model
 * can never disagree with what the decider sees; `dueAt` is when the poller should next ask.
 * Idempotent: an event at or below the document's version changes nothing.
 */
export const createPaymentsProjection = (
  hasStatusEndpoint: HasStatusEndpoint,
): Projection<PaymentDocument> => ({
  name: paymentsProjectionName,
  table: paymentsTable,
  // 2: documents gained `fulfilments`; read models moved to a table per projection.
  // 3: status checks and `dueAt`, the poller's next check. 4: first and last evidence.
  // 5: rowid tables. 6: columns for finance's filters. 7: an open status contradiction makes a
  // payment due (`dueAt`), so that the status endpoint settles it. 8: compact documents (fields
  // at their starting value left out, no delivery keys seen). 9: nor the payment, nor the order id
  // and the reported amount where the expected payment and the latest evidence say them.
  version: 9,
  // Every payment event: the payment's state is the fold of all of them.
  handles: paymentEventTypes,
  documentId: ({ payment }) => paymentKey(payment),
  evolve: (stored, { event, payment, revision }) => {
    const document = storedPaymentOf(stored, payment);
    if (document !== null && revision <= document.version) return null;
    const state = evolve(toState(document), event);
    if (state.status === 'unknown') return null;
    const amount = paymentAmount(state);
    return {
      id: paymentKey(state.payment),
      document: paymentDocumentOf(state, revision),
      columns: {
        provider: state.payment.provider,
        status: state.status,
        updatedAt: state.updatedAt,
        dueAt: nextCheckAt(state, hasStatusEndpoint(state.payment.provider)),
        ref: state.payment.ref,
        createdAt: state.createdAt,
        orderId: state.orderId,
        currency: amount?.currency ?? null,
        amountMinor: amount?.minor ?? null,
        openDiscrepancies:
          state.openDiscrepancies.length === 0 ? null : state.openDiscrepancies.length,
      },
    };
  },
});

/** A stored document (`unknown` as the store returns it) of a payment as the domain's state. */
export const paymentStateFromDocument = (document: unknown, payment: PaymentId): PaymentState =>
  toState(storedPayment(document, payment));

/** A stored payment as the domain's state (the starting state when there is none). */
export const paymentStateOf = toState;
