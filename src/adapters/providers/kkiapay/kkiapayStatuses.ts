import type { StatusVocabulary } from '../../../domain/index.js';

/** KKiaPay's vocabularies (docs/providers.md §4.2 and §4.3). */
export const kkiapayStatuses = {
  // §4.2 webhook `event`.
  event: {
    'transaction.success': 'success',
    'transaction.failed': 'failed',
  },
  // §4.3 status API `status`. Values that describe the query rather than the payment (not found,
  // not eligible, invalid id or type) are evidence, not a failure.
  status: {
    INIT: 'pending',
    PENDING: 'pending',
    SUCCESS: 'success',
    FAILED: 'failed',
    INSUFFICIENT_FUND: 'failed',
    REVERTED: 'refunded',
    TRANSACTION_NOT_FOUND: null,
    TRANSACTION_NOT_ELIGIBLE: null,
    INVALID_TRANSACTION: null,
    INVALID_TRANSACTION_TYPE: null,
    INVALID_PAYOUT_DESTINATION_ACCOUNT: null,
  },
} as const satisfies Record<string, StatusVocabulary>;
