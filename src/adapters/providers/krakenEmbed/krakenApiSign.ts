import { createHash, createHmac } from 'node:crypto';
import type { Secret } from '../../../secret.js';

export type KrakenApiSignInput = Readonly<{
  /** The URI path, with the query string when there is one (`/b2b/quotes/Q1?user=…`). */
  path: string;
  /** The nonce as sent (an always-increasing unsigned 64-bit integer, in decimal). */
  nonce: string;
  /** The exact body bytes sent; empty for a GET. */
  body: string;
  /** The API secret, base64, as Kraken issues it. */
  secret: Secret;
}>;

/**
 * Kraken's `API-Sign`: `base64(HMAC-SHA512(base64decode(secret), path + SHA256(nonce + body)))`
 * (docs/providers.md §2.4; "use the exact bytes you send on the wire"). The same function signs
 * Spot/Pay requests (nonce inside the body) and Embed requests (nonce in `API-Nonce`).
 */
export const krakenApiSign = ({ path, nonce, body, secret }: KrakenApiSignInput): string => {
  const digest = createHash('sha256').update(`${nonce}${body}`, 'utf8').digest();
  return createHmac('sha512', Buffer.from(secret.reveal(), 'base64'))
    .update(Buffer.concat([Buffer.from(path, 'utf8'), digest]))
    .digest('base64');
};
