import { z } from 'zod';
import { httpUrl, withDefault } from '../../../envSchemas.js';
import { defineProvider } from '../providerModule.js';
import { createKrakenPayKeys } from './krakenPayKeys.js';
import { krakenPayStatuses } from './krakenPayStatuses.js';
import { createKrakenPayVerifier } from './krakenPayVerifier.js';

/** Kraken Pay's fragment of the environment. */
export const krakenPaySettings = z
  .object({
    KRAKEN_PAY_JWKS_URL: withDefault(
      httpUrl,
      'https://www.kraken.com/.well-known/pay-callback-keys.json',
    ),
  })
  .transform((env) => ({ jwksUrl: env.KRAKEN_PAY_JWKS_URL }));

export type KrakenPaySettings = z.infer<typeof krakenPaySettings>;

/**
 * Kraken Pay: an ES256 JWT per callback, keyed by `kid` from its JWKS (docs/providers.md §1). It
 * needs no secret, so its route is always on; it has no status endpoint (§1.4), so only its
 * webhooks move its payments, and its acknowledgement is `{"code":"Success"}` (§1.2).
 */
export const krakenPayProvider = defineProvider<KrakenPaySettings>({
  name: 'kraken-pay',
  displayName: 'Kraken Pay',
  settings: krakenPaySettings,
  webhook: {
    mediaTypes: ['text/plain', 'application/jwt', 'application/json'],
    acknowledgement: { code: 'Success' },
    sendsHints: false,
    documentation: {
      authentication:
        'The body is an ES256 JWT signed with a key from the Kraken Pay JWKS, fetched only for an unknown `kid`; its issuer, expiry and claims are checked. Kraken Pay has no status endpoint: its deliveries are the only evidence.',
      body: z
        .string()
        .describe(
          'The JWT (compact serialisation), as text/plain, application/jwt, or a JSON string.',
        ),
    },
    verifier: ({ jwksUrl }, { fetch }) =>
      createKrakenPayVerifier({
        keys: createKrakenPayKeys({ jwksUrl, ...(fetch ? { fetch } : {}) }),
      }),
  },
  statusVocabularies: krakenPayStatuses,
  statusApi: null,
  describe: ({ jwksUrl }) => `webhooks on (keys from ${new URL(jwksUrl).host}); no status API`,
});
