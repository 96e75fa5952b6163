import { z } from 'zod';
import {
  currencyExponent,
  paymentRefSchema,
  providerNameSchema,
  type Channel,
  type RegisterPayment,
} from '../domain/index.js';
import { isoInstant } from './isoInstant.js';

/** An expected payment as `POST /payments` and `payrec payments register` take it. */
export const paymentRegistrationSchema = z
  .strictObject({
    provider: providerNameSchema,
    ref: paymentRefSchema,
    amount: z.number().int().min(0).refine(Number.isSafeInteger).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code')
      .refine((code) => currencyExponent(code) !== null, 'must be an ISO 4217 currency')
      .optional(),
    orderId: z.string().min(1).max(256).optional(),
    expiresAt: isoInstant.optional(),
  })
  .refine((body) => (body.amount === undefined) === (body.currency === undefined), {
    message: 'amount and currency go together',
    path: ['currency'],
  });

export type PaymentRegistration = z.infer<typeof paymentRegistrationSchema>;

/** The command registering an expected payment; the deadline is normalised to UTC. */
export const registerPaymentCommand = (
  { provider, ref, amount, currency, orderId, expiresAt }: PaymentRegistration,
  registeredAt: Date,
  source: Channel,
  /** Who registered it: the API token's name, or the CLI's user. */
  actor?: string,
): RegisterPayment => ({
  type: 'RegisterPayment',
  data: {
    payment: { provider, ref },
    expected: {
      ...(amount !== undefined && currency !== undefined
        ? { amount: { minor: amount, currency } }
        : {}),
      ...(orderId !== undefined ? { orderId } : {}),
      ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    },
    registeredAt: registeredAt.toISOString(),
    source,
    ...(actor === undefined ? {} : { actor }),
  },
});
