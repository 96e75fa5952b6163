import { paymentKey, type Discrepancy, type PaymentId } from '../domain/index.js';
import type { Projection } from './projection.js';

/** One discrepancy as finance sees it: both sides, the evidence, and whether it is settled. */
export type DiscrepancyView = Discrepancy &
  Readonly<{
    payment: PaymentId;
    status: 'open' | 'resolved';
    detectedAt: string;
    resolution: string | null;
    resolvedAt: string | null;
    /** The delivery or status check that resolved it. */
    resolvedBy: string | null;
    /** The payment stream revision of the last event applied. */
    revision: number;
  }>;

const documentKey = (payment: PaymentId, discrepancyId: string) =>
  `${paymentKey(payment)}#${discrepancyId}`;

/**
 * Every discrepancy payrec has detected, open or resolved, for finance's list (`GET
 * /discrepancies`): indexed by `status` and provider, newest change last. A discrepancy detected
 * again after it was resolved opens again.
 */
export const discrepanciesProjection: Projection<DiscrepancyView> = {
  name: 'discrepancies',
  version: 1,
  handles: ['DiscrepancyDetected', 'DiscrepancyResolved'],
  documentId: ({ event, payment }) => {
    switch (event.type) {
      case 'DiscrepancyDetected':
        return documentKey(payment, event.data.discrepancy.id);
      case 'DiscrepancyResolved':
        return documentKey(payment, event.data.discrepancyId);
      default:
        return null;
    }
  },
  evolve: (previous, { event, revision }) => {
    if (previous !== null && revision <= previous.revision) return null;
    let next: DiscrepancyView | null = null;
    if (event.type === 'DiscrepancyDetected') {
      next = {
        ...event.data.discrepancy,
        payment: event.data.payment,
        status: 'open',
        detectedAt: event.data.detectedAt,
        resolution: null,
        resolvedAt: null,
        resolvedBy: null,
        revision,
      };
    } else if (event.type === 'DiscrepancyResolved' && previous !== null) {
      next = {
        ...previous,
        status: 'resolved',
        resolution: event.data.resolution,
        resolvedAt: event.data.resolvedAt,
        resolvedBy: event.data.deliveryKey,
        revision,
      };
    }
    if (next === null) return null;
    return {
      id: documentKey(next.payment, next.id),
      document: next,
      columns: {
        provider: next.payment.provider,
        status: next.status,
        updatedAt: next.resolvedAt ?? next.detectedAt,
      },
    };
  },
};
