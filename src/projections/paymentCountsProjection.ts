import {
  paymentEventTypes,
  statusMoveOf,
  type PaymentStatus,
  type ProviderName,
} from '../domain/index.js';
import type { Projection, ProjectedEvent } from './projection.js';

/** How many payments are in each status, per provider: `counts["success kkiapay"]`. */
export type PaymentCounts = Readonly<{ counts: Readonly<Record<string, number>> }>;

/** The one document this projection keeps. */
export const paymentCountsDocumentId = 'all';

const cell = (status: PaymentStatus, provider: ProviderName) => `${status} ${provider}`;

const adding = (counts: Record<string, number>, key: string, by: number) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * Payments by status and provider, kept as they change, so that the console's overview reads
 * one document instead of counting a million rows. It takes the moves from the domain
 * (`statusMoveOf`): a payment is `pending` from the first event of its stream, whatever that event
 * is, and moves only as the domain's fold moves it.
 */
export const paymentCountsProjection: Projection<PaymentCounts> = {
  name: 'payment_counts',
  version: 1,
  handles: paymentEventTypes,
  documentId: ({ event, revision }: ProjectedEvent) =>
    revision === 0 || statusMoveOf(event) !== null ? paymentCountsDocumentId : null,
  evolve: (document, { event, payment, revision }) => {
    const counts = { ...(document?.counts ?? {}) };
    if (revision === 0) adding(counts, cell('pending', payment.provider), 1);
    const move = statusMoveOf(event);
    if (move !== null) {
      adding(counts, cell(move.from, payment.provider), -1);
      adding(counts, cell(move.to, payment.provider), 1);
    }
    const kept = Object.fromEntries(Object.entries(counts).filter(([, count]) => count !== 0));
    return { id: paymentCountsDocumentId, document: { counts: kept }, columns: {} };
  },
};

/** The counts as rows, for a table: every status and provider with at least one payment. */
export const paymentCountRows = (
  document: PaymentCounts | null,
): ReadonlyArray<Readonly<{ status: PaymentStatus; provider: ProviderName; count: number }>> =>
  Object.entries(document?.counts ?? {}).map(([key, count]) => {
    const [status, provider] = key.split(' ') as [PaymentStatus, ProviderName];
    return { status, provider, count };
  });
