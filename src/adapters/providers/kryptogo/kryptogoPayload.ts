import { z } from 'zod';
import { paymentRefSchema } from '../../../domain/index.js';

/** A KryptoGO payment-intent callback (docs/providers.md §3.2); unknown fields are kept. */
export const kryptogoPayloadSchema = z.looseObject({
  payment_intent_id: paymentRefSchema.max(128),
  status: z.string().min(1).max(64),
  fiat_amount: z.string().max(64).optional(),
  fiat_currency: z.string().max(8).optional(),
  order_data: z
    .looseObject({ order_id: z.string().max(256).optional() })
    .nullable()
    .optional(),
  timestamp: z.number().int().optional(),
  signature: z.string().max(256).optional(),
});

export type KryptogoPayload = z.infer<typeof kryptogoPayloadSchema>;
