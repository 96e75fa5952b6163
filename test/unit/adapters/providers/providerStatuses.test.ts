import { describe, expect, it } from 'vitest';
import {
  kkiapayStatuses,
  krakenEmbedStatuses,
  krakenPayStatuses,
  kryptogoStatuses,
} from '../../../../src/adapters/providers/index.js';
import { isKnownValue, mapStatus, type StatusVocabulary } from '../../../../src/domain/index.js';

const vocabularies: Record<string, Record<string, StatusVocabulary>> = {
  'kraken-pay': krakenPayStatuses,
  'kraken-embed': krakenEmbedStatuses,
  kryptogo: kryptogoStatuses,
  kkiapay: kkiapayStatuses,
};

const vocabulary = (provider: string, name: string): StatusVocabulary => {
  const found = vocabularies[provider]?.[name];
  if (found === undefined) throw new Error(`no vocabulary ${provider} ${name}`);
  return found;
};

describe("each provider module's status vocabularies", () => {
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
  ] as const)('%s %s %s → %s', (provider, name, value, expected) => {
    expect(mapStatus(vocabulary(provider, name), value)).toBe(expected);
  });

  it('maps values that say nothing about the payment to no status, while knowing them', () => {
    expect(mapStatus(kkiapayStatuses.status, 'TRANSACTION_NOT_FOUND')).toBeNull();
    expect(isKnownValue(kkiapayStatuses.status, 'TRANSACTION_NOT_FOUND')).toBe(true);
    expect(mapStatus(krakenEmbedStatuses.event_type, 'deposit.status_updated')).toBeNull();
  });

  it('never guesses an unknown value, including inherited property names', () => {
    for (const value of ['settled', 'SUCCESS', '__proto__', 'toString', 'constructor', '']) {
      expect(mapStatus(krakenPayStatuses['payload.status'], value)).toBeNull();
      expect(isKnownValue(krakenPayStatuses['payload.status'], value)).toBe(false);
    }
  });
});
