import type { ProviderTruth } from './providerSimulator.js';
import type { SimulatorCredentials } from './simulatorCredentials.js';
import {
  kkiapayDelivery,
  krakenEmbedDelivery,
  krakenPayDelivery,
  kryptogoDelivery,
  type SimulatedDelivery,
} from './simulatedDeliveries.js';

/**
 * A realistic mix for `count` payments per provider: most succeed, some fail, expire or are
 * cancelled; KryptoGO sends a pending callback first and sometimes an unsigned one; KKiaPay's
 * successes need its status endpoint to confirm them.
 */
export const realisticMix = async (
  credentials: SimulatorCredentials,
  { count, at, prefix = 'sim' }: Readonly<{ count: number; at: Date; prefix?: string }>,
): Promise<SimulatedDelivery[]> => {
  const deliveries: SimulatedDelivery[] = [];
  for (let index = 0; index < count; index += 1) {
    const outcome = index % 10;
    const payStatus =
      outcome < 7
        ? 'success'
        : outcome === 7
          ? 'declined'
          : outcome === 8
            ? 'expired'
            : 'cancelled';
    deliveries.push(
      await krakenPayDelivery(credentials, { ref: `${prefix}P${index}`, status: payStatus, at }),
    );
    const embedEvent =
      outcome < 7 ? 'quote.executed' : outcome < 9 ? 'quote.execution_failed' : 'quote.cancelled';
    deliveries.push(
      krakenEmbedDelivery(credentials, {
        ref: `${prefix}-Q-${index}`,
        eventType: embedEvent,
        at,
        amount: { asset: 'USD', amount: `${10 + index}.00` },
      }),
    );
    const intent = `${prefix}_pi_${index}`;
    deliveries.push(kryptogoDelivery(credentials, { ref: intent, status: 'pending', at }));
    deliveries.push(
      kryptogoDelivery(credentials, {
        ref: intent,
        status: outcome < 7 ? 'success' : outcome < 9 ? 'expired' : 'insufficient_not_refunded',
        at,
        signed: outcome !== 3,
      }),
    );
    deliveries.push(
      kkiapayDelivery(credentials, { ref: `${prefix}K${index}`, success: outcome < 8, at }),
    );
  }
  return deliveries;
};

/**
 * What the status endpoints say about the payments of `realisticMix` (same `count` and
 * `prefix`): its webhooks' story, except that one KKiaPay success in ten is denied (`FAILED`),
 * so reconciliation has a hint to refuse. Kraken Pay has no status endpoint.
 */
export const realisticTruths = ({
  count,
  prefix = 'sim',
}: Readonly<{ count: number; prefix?: string }>): Array<
  Readonly<{ provider: 'kraken-embed' | 'kryptogo' | 'kkiapay'; ref: string; truth: ProviderTruth }>
> =>
  Array.from({ length: count }, (_, index) => {
    const outcome = index % 10;
    return [
      {
        provider: 'kraken-embed' as const,
        ref: `${prefix}-Q-${index}`,
        truth: {
          status: outcome < 7 ? 'executed' : outcome < 9 ? 'execution_failed' : 'cancelled',
          amount: { value: `${10 + index}.00`, currency: 'USD' },
        },
      },
      {
        provider: 'kryptogo' as const,
        ref: `${prefix}_pi_${index}`,
        truth: {
          status: outcome < 7 ? 'success' : outcome < 9 ? 'expired' : 'insufficient_not_refunded',
          amount: { value: '300.0', currency: 'TWD' },
        },
      },
      {
        provider: 'kkiapay' as const,
        ref: `${prefix}K${index}`,
        truth: {
          status: outcome === 5 ? 'FAILED' : outcome < 8 ? 'SUCCESS' : 'FAILED',
          amount: { value: '1000', currency: 'XOF' },
        },
      },
    ];
  }).flat();
