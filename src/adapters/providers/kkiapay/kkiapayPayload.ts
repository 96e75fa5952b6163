import { z } from 'zod';

/**
 * A KKiaPay transaction webhook. The official JSON is not in the stored documents; the fields
 * come from independent integrations that agree (shared/providers.md §4.2). Unknown fields are kept.
 */
export const kkiapayPayloadSchema = z.looseObject({
  transactionId: z.string().min(1).max(128),
  event: z.string().max(64).optional(),
  isPaymentSucces: z.boolean().optional(),
  amount: z.number().optional(),
  performedAt: z.string().max(64).optional(),
});
