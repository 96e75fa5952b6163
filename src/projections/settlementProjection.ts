import {
  evolveSettlementBasis,
  paymentFromKey,
  paymentKey,
  sameMoney,
  type PaymentId,
  type PaymentStatus,
  type SettlementFacts,
} from '../domain/index.js';
import type { ListedDocument, ReadModelDocument, ReadModelTable } from '../domain/ports/index.js';
import type { Projection } from './projection.js';
import {
  settlementHeadDocumentOf,
  settlementHeadOf,
  type SettlementHead,
  type SettlementHeadDocument,
} from './settlementHeadDocument.js';

/**
 * One stretch of a payment's history over which its facts held: from the recording of the event
 * that set them (`validFrom`) until the recording of the next one that changed them (`validTo`,
 * `null` while they still hold). The report as of an instant counts the snapshots valid then.
 */
export type SettlementSnapshot = SettlementFacts &
  Readonly<{
    payment: PaymentId;
    validFrom: string;
    validTo: string | null;
    /** The status before, when a status change made this snapshot; `null` otherwise. */
    fromStatus: PaymentStatus | null;
    /** The event that made this snapshot. */
    eventType: string;
    /** Its revision in the payment's stream. */
    revision: number;
  }>;

export const settlementProjectionName = 'settlement';

/**
 * The snapshots' columns: a covering index by `statusAt` answers a report for any day range and
 * any instant from the index alone; one by `validFrom` lists the status changes of a period.
 */
export const settlementTable: ReadModelTable = {
  columns: {
    statusAt: 'instant',
    currency: 'text',
    amountMinor: 'integer',
    validFrom: 'instant',
    validTo: 'instant',
    fromStatus: 'text',
  },
  indexes: [
    {
      columns: [
        'statusAt',
        'validTo',
        'validFrom',
        'provider',
        'currency',
        'status',
        'amountMinor',
      ],
      // Only the report's aggregates read it: without the payment's key, a fifth smaller.
      endsWithId: false,
    },
    { columns: ['validFrom'], whereNotNull: 'fromStatus' },
  ],
  // Nothing reads snapshots by status, update time or due time: 230 bytes a payment, and two
  // index writes for each snapshot a delivery opens or closes, for no query.
  baseIndexes: [],
};

const sameFacts = (a: SettlementFacts, b: SettlementFacts): boolean =>
  a.status === b.status && a.statusAt === b.statusAt && sameMoney(a.amount, b.amount);

/**
 * What the row of a closed snapshot keeps beside its columns: the event that made the snapshot.
 * The rest is in the columns and the row's id, and nothing reads a closed snapshot whole (its
 * full document was two thirds of the table's bytes).
 */
type ClosedSnapshotDocument = Readonly<{ eventType: string }>;

const rowOf = (id: string, snapshot: SettlementSnapshot, document: unknown): ReadModelDocument => ({
  id,
  document,
  columns: {
    provider: snapshot.payment.provider,
    status: snapshot.status,
    updatedAt: snapshot.validFrom,
    statusAt: snapshot.statusAt,
    currency: snapshot.amount?.currency ?? null,
    amountMinor: snapshot.amount?.minor ?? null,
    validFrom: snapshot.validFrom,
    validTo: snapshot.validTo,
    fromStatus: snapshot.fromStatus,
  },
});

/**
 * Every payment's settlement facts through time, for `GET /reports/settlement` (as of any
 * instant) and `/reports/settlement/changes`: the head row (id: the payment's key) holds the
 * current snapshot; each change of the facts closes the previous snapshot into a row of its own
 * (id: key and revision) with its `validTo`. A status change makes a snapshot even when it is
 * closed in the same instant, so the list of changes misses none.
 */
export const settlementProjection: Projection<SettlementHeadDocument> = {
  name: settlementProjectionName,
  // 2: a closed snapshot's document keeps only its payment and event type.
  // 3: a head's document leaves out what its row and its other fields say; a closed snapshot's
  // keeps only its event type.
  version: 3,
  table: settlementTable,
  handles: [
    'PaymentRegistered',
    'ProviderReportRecorded',
    'PaymentStatusChanged',
    'PaymentStatusCorrected',
    'ProviderAmountAccepted',
  ],
  documentId: ({ payment }) => paymentKey(payment),
  evolve: (stored, projected) => {
    const head = stored === null ? null : settlementHeadOf(stored, projected.payment);
    if (head !== null && projected.revision <= head.revision) return null;
    // The domain's fold of the facts; the snapshot's own fields stay the head's until it changes.
    const basis = evolveSettlementBasis(head, projected.event);
    if (basis === null || basis === head) return null;
    const moved: SettlementHead = {
      payment: projected.payment,
      validFrom: projected.recordedAt,
      validTo: null,
      fromStatus: null,
      eventType: projected.event.type,
      revision: projected.revision,
      ...head,
      ...basis,
    };
    const facts: SettlementFacts = {
      status: basis.status,
      statusAt: basis.statusAt,
      amount: basis.amount,
    };
    const statusChanged = head !== null && moved.status !== head.status;
    const changed = head === null || statusChanged || !sameFacts(head, facts);
    const key = paymentKey(projected.payment);
    const next: SettlementHead = changed
      ? {
          ...moved,
          ...facts,
          validFrom: projected.recordedAt,
          validTo: null,
          fromStatus: statusChanged ? head.status : null,
          eventType: projected.event.type,
          revision: projected.revision,
        }
      : { ...moved, fromStatus: head.fromStatus, revision: projected.revision };
    const closed =
      head !== null &&
      changed &&
      (head.validFrom !== projected.recordedAt || head.fromStatus !== null)
        ? [
            rowOf(`${key}@${head.revision}`, closedSnapshot(head, projected.recordedAt), {
              eventType: head.eventType,
            } satisfies ClosedSnapshotDocument),
          ]
        : [];
    const document = settlementHeadDocumentOf(next);
    return { ...rowOf(key, next, document), document, also: closed };
  },
};

const closedSnapshot = (head: SettlementHead, validTo: string): SettlementSnapshot => ({
  payment: head.payment,
  status: head.status,
  statusAt: head.statusAt,
  amount: head.amount,
  validFrom: head.validFrom,
  validTo,
  fromStatus: head.fromStatus,
  eventType: head.eventType,
  revision: head.revision,
});

/** A status change the settlement read model recorded, from the row of its snapshot. */
export type RecordedStatusChange = Readonly<{
  payment: PaymentId;
  from: PaymentStatus;
  to: PaymentStatus;
  /** When the payment reached `to`, and when payrec recorded the change. */
  at: string;
  recordedAt: string;
  eventType: string;
}>;

/**
 * The payment a row of the settlement read model is of: its id is the payment's key (a head) or
 * the key, `@` and a revision (a closed snapshot, whose `validTo` is set).
 */
const paymentOfRow = (row: Pick<ListedDocument, 'id' | 'columns'>): PaymentId => {
  const key = row.columns['validTo'] === null ? row.id : row.id.slice(0, row.id.lastIndexOf('@'));
  const payment = paymentFromKey(key);
  if (payment === null) throw new Error(`The settlement row ${row.id} names no payment.`);
  return payment;
};

/**
 * The status change a listed row of the settlement read model records (a head's or a closed
 * snapshot's), or `null` when its snapshot changed no status. Reads the row's id, its columns
 * and the one field every row's document has, whatever the snapshot.
 */
export const statusChangeOfRow = (
  row: Pick<ListedDocument, 'id' | 'columns' | 'document'>,
): RecordedStatusChange | null => {
  const { eventType } = row.document as ClosedSnapshotDocument;
  const { fromStatus, status, statusAt, validFrom } = row.columns;
  if (typeof fromStatus !== 'string') return null;
  return {
    payment: paymentOfRow(row),
    from: fromStatus as PaymentStatus,
    to: status as PaymentStatus,
    at: String(statusAt),
    recordedAt: String(validFrom),
    eventType,
  };
};

/**
 * A planted bug for the whole-system simulation (`drop-refund-from-report`): the settlement
 * projection as above, except that a refund changes nothing, so a refunded payment stays a
 * success in the report. Never used unless the plant is named.
 */
export const settlementProjectionSkippingRefunds: Projection<SettlementHeadDocument> = {
  ...settlementProjection,
  evolve: (head, projected) => {
    const event = projected.event;
    const refund =
      (event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected') &&
      event.data.to === 'refunded';
    return refund ? null : settlementProjection.evolve(head, projected);
  },
};
