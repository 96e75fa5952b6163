import type { PaymentId } from '../domain/index.js';
import type { DeliveryRecorder } from './recordDelivery.js';

/**
 * The hint rule: a delivery payrec can authenticate but not trust on its own (an unsigned
 * KryptoGO callback, a KKiaPay delivery, whose shared secret is replayable) moves nothing until
 * the provider's status endpoint confirms it, and it is asked at once, not at the next cycle.
 * A repeat of a hint appends nothing and asks nothing: its first arrival already did.
 *
 * Wraps a recorder: resolves with what it recorded, after asking `checkNow` about each payment
 * of a new hint. `checkNow` must not throw (the reconciler's never does: it logs).
 */
export const confirmHintsAtOnce =
  (recordDelivery: DeliveryRecorder, checkNow: (payment: PaymentId) => void): DeliveryRecorder =>
  async (delivery) => {
    const recorded = await recordDelivery(delivery);
    if (delivery.verification.trust === 'hint' && recorded.appended > 0) {
      for (const { payment } of delivery.reports) checkNow(payment);
    }
    return recorded;
  };
