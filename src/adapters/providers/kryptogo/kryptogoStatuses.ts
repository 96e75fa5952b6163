import type { StatusVocabulary } from '../../../domain/index.js';

/**
 * KryptoGO's payment-intent `status` (docs/providers.md §3.2): both the API reference's and the
 * marketing page's sets. An underpaid intent never became a payment, so both `insufficient_*`
 * values are a failure, refund or not: `refunded` is kept for a payment that succeeded and was
 * then paid back.
 */
export const kryptogoStatuses = {
  status: {
    pending: 'pending',
    success: 'success',
    expired: 'expired',
    insufficient_not_refunded: 'failed',
    insufficient_refunded: 'failed',
    refunded: 'refunded',
    cancelled: 'cancelled',
  },
} as const satisfies Record<string, StatusVocabulary>;
