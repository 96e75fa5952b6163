import { z } from 'zod';

/** The four providers payrec verifies (INTERFACE.md, "Payment identity"). */
export const providerNames = ['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay'] as const;

export type ProviderName = (typeof providerNames)[number];

export const providerNameSchema = z.enum(providerNames);

export const isProviderName = (value: string): value is ProviderName =>
  (providerNames as readonly string[]).includes(value);

/** A payment is identified by its provider and the provider's own reference for it. */
export type PaymentId = Readonly<{ provider: ProviderName; ref: string }>;

/** A provider reference: printable, bounded, no control characters. */
export const paymentRefSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

export const paymentIdSchema = z.object({ provider: providerNameSchema, ref: paymentRefSchema });

const streamPrefix = 'payment-';

/**
 * The event stream that holds a payment's whole history. The provider name never contains `/`,
 * so the first `/` separates it from the reference unambiguously. The `payment-` prefix makes
 * `payment` the stream category (EventStoreDB's `$ce-payment`).
 */
export const paymentStreamName = (id: PaymentId): string =>
  `${streamPrefix}${id.provider}/${id.ref}`;

export const paymentStreamPrefix = streamPrefix;

/** The inverse of {@link paymentStreamName}; `null` for any other stream. */
export const paymentIdFromStreamName = (streamName: string): PaymentId | null => {
  if (!streamName.startsWith(streamPrefix)) return null;
  const rest = streamName.slice(streamPrefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  const provider = rest.slice(0, slash);
  const ref = rest.slice(slash + 1);
  if (!isProviderName(provider) || ref.length === 0) return null;
  return { provider, ref };
};
