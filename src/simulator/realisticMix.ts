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
