import type { StatusVocabulary } from '../../../domain/index.js';

/** Kraken Pay's `payload.status` (docs/providers.md §1.3): callbacks come only at a final state. */
export const krakenPayStatuses = {
  'payload.status': {
    success: 'success',
    failed: 'failed',
    declined: 'failed',
    cancelled: 'cancelled',
    expired: 'expired',
  },
} as const satisfies Record<string, StatusVocabulary>;
