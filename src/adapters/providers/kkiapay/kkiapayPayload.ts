import { z } from 'zod';
import { paymentRefSchema } from '../../../domain/index.js';

/**
 * A KKiaPay transaction webhook. The official JSON is not in the stored documents; the fields
 * come from independent integrations that agree (docs/providers.md §4.2). Unknown fields are kept.
 */
export const kkiapayPayloadSchema = z.looseObject({
  transactionId: paymentRefSchema.max(128),
  event: z.string().max(64).optional(),
  isPaymentSucces: z.boolean().optional(),
  amount: z.number().optional(),
  performedAt: z.string().max(64).optional(),
});
