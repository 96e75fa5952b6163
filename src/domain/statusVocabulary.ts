import type { PaymentStatus } from './paymentStatus.js';

/**
 * One of a provider's status vocabularies (a webhook's `event_type`, a status API's `status`):
 * every value the provider is known to send, mapped to a normalised status. A value mapped to
 * `null` is known but moves nothing (it is kept as evidence); a value absent from the table is
 * unknown and is likewise kept as evidence, never guessed at. Each provider module declares its
 * own vocabularies, citing their sources.
 */
export type StatusVocabulary = Readonly<Record<string, PaymentStatus | null>>;

/**
 * Maps one provider value to a normalised status; `null` when the value is known to move
 * nothing or is not known at all. Lookups are by own property only, so `"__proto__"` or
 * `"toString"` map to `null` like any other unknown value.
 */
export const mapStatus = (vocabulary: StatusVocabulary, value: string): PaymentStatus | null =>
  Object.hasOwn(vocabulary, value) ? (vocabulary[value] ?? null) : null;

/** Whether the value is one the vocabulary knows (mapped to a status or deliberately to none). */
export const isKnownValue = (vocabulary: StatusVocabulary, value: string): boolean =>
  Object.hasOwn(vocabulary, value);
