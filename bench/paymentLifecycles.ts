/**
 * The payments the finance and console benchmarks store: each payment's lifecycle (registered or
 * not, success, pending, failed, expired, refunded, corrected, paid the wrong amount) as the
 * commands a provider's reports would make, over 60 days from 2026-09-01, the same for the same N.
 */
import type { PaymentCommand, PaymentStatus } from '../src/domain/index.js';

export const day = 24 * 60 * 60 * 1000;
export const start = Date.parse('2026-09-01T00:00:00.000Z');
export const span = 60 * day;
export const end = start + span + 3 * day;
export const hasStatusEndpoint = (provider: string) => provider !== 'kraken-pay';
export const providers = ['kraken-embed', 'kryptogo', 'kkiapay', 'kraken-pay'] as const;
const currencyOf = { 'kraken-embed': 'USD', kryptogo: 'TWD', kkiapay: 'XOF', 'kraken-pay': 'EUR' };

/** A small seeded generator (xorshift32): the same store for the same N. */
export const random = (() => {
  let state = 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
})();
export const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const report = (
  payment: { provider: string; ref: string },
  status: PaymentStatus,
  at: number,
  key: string,
  amount: { minor: number; currency: string },
  trust: 'verified' | 'authoritative' = 'verified',
): PaymentCommand => ({
  type: 'RecordProviderReport',
  data: {
    payment,
    report: { vocabulary: 'status', providerStatus: status, status, amount },
    evidence: {
      deliveryKey: key,
      deliveryId: key,
      channel: trust === 'authoritative' ? 'poll' : 'webhook',
      receivedAt: new Date(at).toISOString(),
      verification:
        trust === 'authoritative'
          ? { method: 'status-api', trust }
          : { method: 'hmac-sha256', trust, detail: 'v1 matched the current webhook secret' },
      received: {
        body: `{"id":"${payment.ref}","status":"${status}","amount":"${amount.minor}"}`,
        headers: { 'x-signature': `t=1,v1=${'a'.repeat(64)}` },
      },
    },
  },
});

/** One payment's commands, at increasing instants. */
export const lifecycle = (
  index: number,
  payments: number,
): Array<{ at: number; command: PaymentCommand }> => {
  const provider = pick(providers);
  const payment = { provider, ref: `pay_${index.toString(36).padStart(6, '0')}` };
  const amount = { minor: 100 + Math.floor(random() * 5_000_000), currency: currencyOf[provider] };
  let at = start + Math.floor((index / payments) * span + random() * 60_000);
  const later = (max: number) => (at += 1_000 + Math.floor(random() * max));
  const commands: Array<{ at: number; command: PaymentCommand }> = [];
  if (random() < 0.8) {
    commands.push({
      at,
      command: {
        type: 'RegisterPayment',
        data: {
          payment,
          expected: { amount, orderId: `order-${index}` },
          registeredAt: new Date(at).toISOString(),
          source: 'api',
        },
      },
    });
  }
  const outcome = random();
  const say = (status: PaymentStatus, key: string, trust?: 'authoritative', paid = amount) => {
    const when = later(6 * 3_600_000);
    commands.push({
      at: when,
      command: report(payment, status, when, `${payment.ref}:${key}`, paid, trust),
    });
  };
  if (outcome < 0.7) say('success', 'paid');
  else if (outcome < 0.78) {
    // Still pending: registered and nothing heard, or heard of as pending.
    if (commands.length === 0) say('pending', 'seen');
  } else if (outcome < 0.85) say('failed', 'failed');
  else if (outcome < 0.9) say('expired', 'expired', 'authoritative');
  else if (outcome < 0.94) {
    say('success', 'paid');
    later(2 * day);
    say('refunded', 'refunded', 'authoritative');
  } else if (outcome < 0.96) {
    say('success', 'paid');
    say('failed', 'truth', 'authoritative');
  } else if (outcome < 0.98)
    say('success', 'short', undefined, { ...amount, minor: amount.minor - 1 });
  else say('pending', 'seen');
  return commands;
};
