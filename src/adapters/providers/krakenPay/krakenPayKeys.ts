import {
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';

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
 * kid" (shared/providers.md §1.1). So the set never expires (`cacheMaxAge: Infinity`), and a token
 * with an unknown `kid` triggers at most one fetch per cooldown: a flood of made-up `kid`s cannot
 * make payrec hammer Kraken. Throws `TypeError` for a bad URL.
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
  return createRemoteJWKSet(url, {
    cacheMaxAge: Infinity,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
    ...(fetch ? { [customFetch]: fetch } : {}),
  });
};
