import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { paymentStreamName, type PaymentId } from './paymentId.js';

/** RFC 4648 §5 base64url without padding, of a short byte string. */
const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/**
 * The `webhook-id` of a fulfilment notification: the same on every attempt and every replay for
 * one transition, different for any other, so the receiver can drop repeats (the Standard
 * Webhooks idempotency key). `msg_` and the first 128 bits of SHA-256 over the payment's stream
 * and the fulfilment key, base64url. The domain's because read models list it and use cases find
 * a fulfilment by it; SHA-256 comes from `@noble/hashes` (pure, audited, synchronous) since the
 * domain takes nothing from Node.
 */
export const fulfilmentMessageId = (payment: PaymentId, key: string): string =>
  `msg_${base64url(sha256(utf8ToBytes(`${paymentStreamName(payment)}\n${key}`)).subarray(0, 16))}`;
