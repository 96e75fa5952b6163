import { z } from 'zod';
import { paymentRefSchema } from '../../../domain/index.js';

/**
 * Kraken Pay callback claims (docs/providers.md §1.3). Unknown fields are tolerated, as Kraken
 * asks ("new fields could be added to the payload in the future").
 */
export const krakenPayClaimsSchema = z.looseObject({
  iss: z.literal('kraken-pay'),
  exp: z.number(),
  payload: z.looseObject({
    external_id: paymentRefSchema.max(64),
    status: z.string().min(1).max(64),
    customer_kraktag: z.string().nullable().optional(),
  }),
});

export type KrakenPayClaims = z.infer<typeof krakenPayClaimsSchema>;
