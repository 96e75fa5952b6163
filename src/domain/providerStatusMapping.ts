import type { PaymentStatus } from './paymentStatus.js';
import type { ProviderName } from './paymentId.js';

/**
 * Every status or event value each provider is known to send, mapped to a normalised status.
 * Sources: `shared/providers.md` §1.3 (Kraken Pay), §2.1 and §2.5 (Kraken Embed, and
 * INTERFACE.md's quote status table), §3.2 (KryptoGO), §4.2 and §4.3 (KKiaPay), and the
 * cross-provider table in §5.
 *
 * A value mapped to `null` is known but moves nothing (it is kept as evidence); a value absent
 * from the table is unknown and is likewise kept as evidence, never guessed at.
 */
export const providerStatusVocabularies = {
  'kraken-pay': {
    // §1.3 `payload.status`: callbacks are sent only at a final state.
    'payload.status': {
      success: 'success',
      failed: 'failed',
      declined: 'failed',
      cancelled: 'cancelled',
      expired: 'expired',
    },
  },
  'kraken-embed': {
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
    // INTERFACE.md: the quote `status` of `GET /b2b/quotes/{id}`.
    'quote.status': {
      new: 'pending',
      executed: 'success',
      cancelled: 'cancelled',
      expired: 'expired',
      execution_failed: 'failed',
      failed: 'failed',
    },
  },
  kryptogo: {
    // §3.2: both the API reference's and the marketing page's sets. An underpaid intent never
    // became a payment, so both `insufficient_*` values are a failure, refund or not: `refunded`
    // is kept for a payment that succeeded and was then paid back.
    status: {
      pending: 'pending',
      success: 'success',
      expired: 'expired',
      insufficient_not_refunded: 'failed',
      insufficient_refunded: 'failed',
      refunded: 'refunded',
      cancelled: 'cancelled',
    },
  },
  kkiapay: {
    // §4.2 webhook `event`.
    event: {
      'transaction.success': 'success',
      'transaction.failed': 'failed',
    },
    // §4.3 status API `status`. Values that describe the query rather than the payment
    // (not found, not eligible, invalid id or type) are evidence, not a failure.
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
  },
} as const satisfies Record<ProviderName, Record<string, Record<string, PaymentStatus | null>>>;

type Vocabularies = typeof providerStatusVocabularies;

/** The names of the status vocabularies a provider has (`'event_type'`, `'quote.status'`, …). */
export type StatusVocabulary<P extends ProviderName> = keyof Vocabularies[P] & string;

/**
 * Maps one provider value to a normalised status; `null` when the value is known to move
 * nothing or is not known at all. Lookups are by own property only, so `"__proto__"` or
 * `"toString"` map to `null` like any other unknown value.
 */
const vocabularyTable = <P extends ProviderName>(
  provider: P,
  vocabulary: StatusVocabulary<P>,
): Readonly<Record<string, PaymentStatus | null>> =>
  providerStatusVocabularies[provider][vocabulary] as Readonly<
    Record<string, PaymentStatus | null>
  >;

/**
 * Maps one provider value to a normalised status; `null` when the value is known to move
 * nothing or is not known at all. Lookups are by own property only, so `"__proto__"` or
 * `"toString"` map to `null` like any other unknown value.
 */
export const mapProviderStatus = <P extends ProviderName>(
  provider: P,
  vocabulary: StatusVocabulary<P>,
  value: string,
): PaymentStatus | null => {
  const table = vocabularyTable(provider, vocabulary);
  return Object.hasOwn(table, value) ? (table[value] ?? null) : null;
};

/** Whether the value is one the table knows (mapped to a status or deliberately to none). */
export const isKnownProviderValue = <P extends ProviderName>(
  provider: P,
  vocabulary: StatusVocabulary<P>,
  value: string,
): boolean => Object.hasOwn(vocabularyTable(provider, vocabulary), value);
