import { z } from 'zod';

/**
 * A provider's name as it appears in routes, stream names and read models (`kraken-embed`). The
 * domain does not fix the list: each provider module names itself, and the composition root
 * decides which modules are plugged in (`src/adapters/providers/index.ts`).
 */
export type ProviderName = string;

const providerNamePattern = /^[a-z][a-z0-9-]{0,31}$/;

/** A provider name: lower-case letters, digits and dashes, starting with a letter; no `/`. */
export const providerNameSchema = z
  .string()
  .regex(providerNamePattern, 'must be a provider name such as kraken-embed');

/** A payment is identified by its provider and the provider's own reference for it. */
export type PaymentId = Readonly<{ provider: ProviderName; ref: string }>;

/**
 * A provider reference, the one rule for every route that takes one: 1 to 256 UTF-16 code
 * units, no control characters (NUL included), well-formed Unicode (no lone surrogate, which
 * could not be written back as UTF-8), and neither `.` nor `..` (no URL can name those). Whatever ingest accepts under this rule, the query API
 * and the command line can read back; whatever they could not, ingest refuses.
 */
export const paymentRefSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[^\p{Cc}\p{Cs}]+$/u,
    'must be printable Unicode: no control characters or lone surrogates',
  )
  // A URL path cannot name "." or "..": clients resolve them as dot segments, even encoded.
  .refine((ref) => ref !== '.' && ref !== '..', 'must not be "." or ".."');

export const paymentIdSchema = z.object({ provider: providerNameSchema, ref: paymentRefSchema });

/**
 * A payment's key in read models, logs and the delivery log: `provider/ref`. The provider name
 * never contains `/`, so the first `/` separates the two unambiguously.
 */
export const paymentKey = (id: PaymentId): string => `${id.provider}/${id.ref}`;

/**
 * The inverse of {@link paymentKey}; `null` for anything that is not a payment's key. Keys are
 * payrec's own (stream names, read-model ids), written from validated ids, so this checks their
 * form only, cheaply: it runs once per event when projections rebuild.
 */
export const paymentFromKey = (key: string): PaymentId | null => {
  const slash = key.indexOf('/');
  if (slash < 1 || slash === key.length - 1) return null;
  const provider = key.slice(0, slash);
  return providerNamePattern.test(provider) ? { provider, ref: key.slice(slash + 1) } : null;
};

const streamPrefix = 'payment-';

/**
 * The event stream that holds a payment's whole history: `payment-` and its key. The prefix
 * makes `payment` the stream category (EventStoreDB's `$ce-payment`).
 */
export const paymentStreamName = (id: PaymentId): string => `${streamPrefix}${paymentKey(id)}`;

export const paymentStreamPrefix = streamPrefix;

/** The inverse of {@link paymentStreamName}; `null` for any other stream. */
export const paymentIdFromStreamName = (streamName: string): PaymentId | null =>
  streamName.startsWith(streamPrefix)
    ? paymentFromKey(streamName.slice(streamPrefix.length))
    : null;
