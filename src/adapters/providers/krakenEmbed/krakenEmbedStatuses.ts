import type { StatusVocabulary } from '../../../domain/index.js';

/** Kraken Embed's vocabularies (docs/providers.md §2.1 and §2.5). */
export const krakenEmbedStatuses = {
  // §2.1 event types; deposit, withdrawal, reward and user events carry no payment status.
  event_type: {
    'quote.executed': 'success',
    'quote.execution_failed': 'failed',
    'quote.cancelled': 'cancelled',
    'custom_order.executed': 'success',
    'custom_order.execution_failed': 'failed',
    'custom_order.cancelled': 'cancelled',
    'deposit.status_updated': null,
    'withdrawal.status_updated': null,
    'reward.paid': null,
    'user.verified': null,
    'user.closed': null,
    'user.disabled': null,
    'webhook.test': null,
  },
  // The quote `status` of `GET /b2b/quotes/{id}` (docs/webhooks.md, "Kraken Embed").
  'quote.status': {
    new: 'pending',
    executed: 'success',
    cancelled: 'cancelled',
    expired: 'expired',
    execution_failed: 'failed',
    failed: 'failed',
  },
} as const satisfies Record<string, StatusVocabulary>;
