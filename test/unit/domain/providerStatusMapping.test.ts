import { describe, expect, it } from 'vitest';
import { isKnownProviderValue, mapProviderStatus } from '../../../src/domain/index.js';

describe('mapProviderStatus', () => {
  it.each([
    ['kraken-pay', 'payload.status', 'success', 'success'],
    ['kraken-pay', 'payload.status', 'declined', 'failed'],
    ['kraken-pay', 'payload.status', 'expired', 'expired'],
    ['kraken-embed', 'event_type', 'quote.executed', 'success'],
    ['kraken-embed', 'event_type', 'quote.execution_failed', 'failed'],
    ['kraken-embed', 'event_type', 'custom_order.cancelled', 'cancelled'],
    ['kraken-embed', 'quote.status', 'new', 'pending'],
    ['kraken-embed', 'quote.status', 'execution_failed', 'failed'],
    ['kryptogo', 'status', 'insufficient_not_refunded', 'failed'],
    ['kryptogo', 'status', 'insufficient_refunded', 'failed'],
    ['kryptogo', 'status', 'refunded', 'refunded'],
    ['kkiapay', 'event', 'transaction.success', 'success'],
    ['kkiapay', 'status', 'REVERTED', 'refunded'],
    ['kkiapay', 'status', 'INIT', 'pending'],
  ] as const)('%s %s %s → %s', (provider, vocabulary, value, expected) => {
    expect(mapProviderStatus(provider, vocabulary as never, value)).toBe(expected);
  });

  it('maps values that say nothing about the payment to no status, while knowing them', () => {
    expect(mapProviderStatus('kkiapay', 'status', 'TRANSACTION_NOT_FOUND')).toBeNull();
    expect(isKnownProviderValue('kkiapay', 'status', 'TRANSACTION_NOT_FOUND')).toBe(true);
    expect(mapProviderStatus('kraken-embed', 'event_type', 'deposit.status_updated')).toBeNull();
  });

  it('never guesses an unknown value, including inherited property names', () => {
    for (const value of ['settled', 'SUCCESS', '__proto__', 'toString', 'constructor', '']) {
      expect(mapProviderStatus('kraken-pay', 'payload.status', value)).toBeNull();
      expect(isKnownProviderValue('kraken-pay', 'payload.status', value)).toBe(false);
    }
  });
});
