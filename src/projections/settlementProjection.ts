import { paymentKey, type Money, type PaymentId, type PaymentStatus } from '../domain/index.js';
import type { ReadModelDocument, ReadModelTable } from '../domain/ports/index.js';
import type { ProjectedEvent, Projection } from './projection.js';

/**
 * What the settlement report needs of a payment at one instant: its status, when it reached it,
 * and the amount it is for. The same facts the domain's fold gives (`settlementFactsOf`).
 */
export type SettlementFacts = Readonly<{
  status: PaymentStatus;
  /** When the payment reached `status` (its creation, for a payment still `pending`). */
  statusAt: string;
  amount: Money | null;
}>;

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

/** The head document of a payment: its current snapshot and what the next one is derived from. */
type SettlementHead = SettlementSnapshot &
  Readonly<{
    createdAt: string;
    expectedAmount: Money | null;
    reportedAmount: Money | null;
  }>;

export const settlementProjectionName = 'settlement';

/**
 * The snapshots' columns: a covering index by `statusAt` answers a report for any day range and
 * any instant from the index alone; one by `validFrom` lists the status changes of a period.
 */
export const settlementTable: ReadModelTable = {
  columns: {
    statusAt: 'text',
    currency: 'text',
    amountMinor: 'integer',
    validFrom: 'text',
    validTo: 'text',
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
    },
    { columns: ['validFrom'], whereNotNull: 'fromStatus' },
  ],
};

const sameFacts = (a: SettlementFacts, b: SettlementFacts): boolean =>
  a.status === b.status &&
  a.statusAt === b.statusAt &&
  a.amount?.minor === b.amount?.minor &&
  a.amount?.currency === b.amount?.currency;

const rowOf = (id: string, snapshot: SettlementSnapshot): ReadModelDocument => ({
  id,
  document: snapshot,
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

/** The head after one event: the same fields the domain's `evolve` sets, for these events. */
const nextHead = (
  head: SettlementHead | null,
  projected: ProjectedEvent,
): SettlementHead | null => {
  const { event, payment, revision, recordedAt } = projected;
  const started = (at: string): SettlementHead =>
    head ?? {
      payment,
      status: 'pending',
      statusAt: at,
      amount: null,
      validFrom: recordedAt,
      validTo: null,
      fromStatus: null,
      eventType: event.type,
      revision,
      createdAt: at,
      expectedAmount: null,
      reportedAmount: null,
    };
  switch (event.type) {
    case 'PaymentRegistered': {
      const current = started(event.data.registeredAt);
      return { ...current, expectedAmount: event.data.expected.amount ?? null };
    }
    case 'ProviderReportRecorded': {
      const current = started(event.data.evidence.receivedAt);
      return { ...current, reportedAmount: event.data.report.amount ?? current.reportedAmount };
    }
    case 'PaymentStatusChanged':
    case 'PaymentStatusCorrected': {
      const at =
        event.type === 'PaymentStatusChanged' ? event.data.changedAt : event.data.correctedAt;
      const current = started(at);
      // The day the provider says it happened, where verified evidence says so; else payrec's.
      const statusAt = event.data.providerAt ?? at;
      return { ...current, status: event.data.to, statusAt, fromStatus: current.status };
    }
    case 'ProviderAmountAccepted': {
      // A person accepted the provider's figure: it is the payment's amount from now on.
      const current = started(event.data.acceptedAt);
      return { ...current, expectedAmount: event.data.to };
    }
    default:
      return head;
  }
};

/**
 * Every payment's settlement facts through time, for `GET /reports/settlement` (as of any
 * instant) and `/reports/settlement/changes`: the head row (id: the payment's key) holds the
 * current snapshot; each change of the facts closes the previous snapshot into a row of its own
 * (id: key and revision) with its `validTo`. A status change makes a snapshot even when it is
 * closed in the same instant, so the list of changes misses none.
 */
export const settlementProjection: Projection<SettlementHead> = {
  name: settlementProjectionName,
  version: 1,
  table: settlementTable,
  handles: [
    'PaymentRegistered',
    'ProviderReportRecorded',
    'PaymentStatusChanged',
    'PaymentStatusCorrected',
    'ProviderAmountAccepted',
  ],
  documentId: ({ payment }) => paymentKey(payment),
  evolve: (head, projected) => {
    if (head !== null && projected.revision <= head.revision) return null;
    const moved = nextHead(head, projected);
    if (moved === null) return null;
    const facts: SettlementFacts = {
      status: moved.status,
      statusAt: moved.statusAt,
      amount: moved.expectedAmount ?? moved.reportedAmount,
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
        ? [rowOf(`${key}@${head.revision}`, closedSnapshot(head, projected.recordedAt))]
        : [];
    return { ...rowOf(key, next), document: next, also: closed };
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
