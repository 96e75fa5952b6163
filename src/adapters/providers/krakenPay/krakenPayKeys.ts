import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import { WebhookRejected } from '../../../errors/index.js';

export type KrakenPayKeysOptions = Readonly<{
  jwksUrl: string;
  /** Minimum time between two fetches of the key set. Default 30 s. */
  cooldownMs?: number;
  /** Time allowed for one fetch. Default 5 s. */
  timeoutMs?: number;
  /** For tests: the fetch the key set uses. */
  fetch?: FetchImplementation;
}>;

/**
 * Kraken Pay's keys, from its JWKS: "A given kid will always point to the same key, so you can
 * cache it forever. You will only need to fetch the remote JWKS … if the JWT is signed with a new
 * kid" (docs/providers.md §1.1). So the set never expires (`cacheMaxAge: Infinity`), and a token
 * with an unknown `kid` triggers at most one fetch per cooldown: a flood of made-up `kid`s cannot
 * make payrec hammer Kraken. A key set that cannot be fetched rejects with `WebhookRejected`
 * (`KEYS_UNAVAILABLE`, a 503) rather than the token's fault. Throws `TypeError` for a bad URL.
 */
export const createKrakenPayKeys = ({
  jwksUrl,
  cooldownMs = 30_000,
  timeoutMs = 5_000,
  fetch,
}: KrakenPayKeysOptions): JWTVerifyGetKey => {
  let url: URL;
  try {
    url = new URL(jwksUrl);
  } catch {
    throw new TypeError('createKrakenPayKeys: "jwksUrl" must be an absolute URL');
  }
  const keySet = createRemoteJWKSet(url, {
    cacheMaxAge: Infinity,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
    ...(fetch ? { [customFetch]: fetch } : {}),
  });
  return async (protectedHeader, token) => {
    try {
      return await keySet(protectedHeader, token);
    } catch (error) {
      if (isTheTokensFault(error)) throw error;
      // The key set could not be had (refused, timed out, not 200, not a key set): that is
      // payrec's outage, not a forgery. A 503 makes Kraken retry; a 401 would drop a genuine
      // callback. The cause goes to the log with the 503, never to the sender.
      throw new WebhookRejected(
        'KEYS_UNAVAILABLE',
        `The Kraken Pay key set at ${url.host} could not be fetched; the delivery can be retried.`,
        { cause: error },
      );
    }
  };
};

/** What a token itself got wrong when its key was looked up: no key, or no single key, for it. */
const isTheTokensFault = (error: unknown): boolean =>
  error instanceof errors.JWKSNoMatchingKey ||
  error instanceof errors.JWKSMultipleMatchingKeys ||
  error instanceof errors.JOSEAlgNotAllowed ||
  error instanceof errors.JOSENotSupported;
