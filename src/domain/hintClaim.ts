import { precedes, type PaymentStatus } from './paymentStatus.js';

/**
 * What the status endpoint's answer says of a hint's claim: `confirmed` when it answers the
 * claimed status or one past it (a success since refunded), `undecided` while it answers a status
 * the claim may still follow (`pending`, a success before a claimed refund), `denied` otherwise
 * (a claimed success that the endpoint says failed).
 */
export const claimVerdict = (
  claimed: PaymentStatus,
  answered: PaymentStatus,
): 'confirmed' | 'undecided' | 'denied' => {
  if (answered === claimed || precedes(claimed, answered)) return 'confirmed';
  if (answered === 'pending' || precedes(answered, claimed)) return 'undecided';
  return 'denied';
};
