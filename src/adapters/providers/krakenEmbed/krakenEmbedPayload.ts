import { z } from 'zod';
import { paymentRefSchema } from '../../../domain/index.js';

/**
 * A Kraken Embed event body (docs/providers.md §2.3). Only what payrec reads is checked;
 * everything else is kept, since the raw body is stored as evidence.
 */
export const krakenEmbedPayloadSchema = z.looseObject({
  event_type: z.string().min(1).max(128),
  id: paymentRefSchema,
  timestamp: z.string().min(1).max(64),
  status: z.string().max(128).optional(),
  action: z
    .looseObject({
      amount: z.looseObject({ asset: z.string(), amount: z.string() }).optional(),
    })
    .optional(),
});

export type KrakenEmbedPayload = z.infer<typeof krakenEmbedPayloadSchema>;

/** Event families that concern a payment-like object whose `id` is its reference. */
export const paymentEventFamilies = ['quote.', 'custom_order.', 'deposit.', 'withdrawal.'] as const;
