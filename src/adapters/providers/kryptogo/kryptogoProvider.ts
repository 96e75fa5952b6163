import { z } from 'zod';
import { kryptogoPayloadSchema } from './kryptogoPayload.js';
import { httpUrl, optional, rate, secret, withDefault } from '../../../envSchemas.js';
import { defineProvider } from '../providerModule.js';
import { requiredTogether } from '../common/requiredTogether.js';
import { describeStatusApi, describeWebhooks } from '../common/describeSwitches.js';
import { kryptogoStatuses } from './kryptogoStatuses.js';
import { createKryptogoStatusClient } from './kryptogoStatusClient.js';
import { createKryptogoVerifier } from './kryptogoVerifier.js';

/** KryptoGO's fragment of the environment. */
export const kryptogoSettings = z
  .object({
    KRYPTOGO_CALLBACK_SECRET: optional(secret(16)),
    KRYPTOGO_API_KEY: optional(secret()),
    KRYPTOGO_API_URL: withDefault(httpUrl, 'https://wallet.kryptogo.app'),
    KRYPTOGO_CLIENT_ID: optional(z.string().min(1).max(256)),
    KRYPTOGO_ORIGIN: optional(httpUrl),
    KRYPTOGO_API_RATE_LIMIT: withDefault(rate, '10'),
  })
  .superRefine(
    requiredTogether(
      ['KRYPTOGO_API_KEY', 'KRYPTOGO_CLIENT_ID', 'KRYPTOGO_ORIGIN'],
      "KryptoGO's payment-intent API",
    ),
  )
  .transform((env) => ({
    callbackSecret: env.KRYPTOGO_CALLBACK_SECRET ?? null,
    apiKey: env.KRYPTOGO_API_KEY ?? null,
    apiUrl: env.KRYPTOGO_API_URL,
    clientId: env.KRYPTOGO_CLIENT_ID ?? null,
    origin: env.KRYPTOGO_ORIGIN ?? null,
    apiRateLimit: env.KRYPTOGO_API_RATE_LIMIT,
  }));

export type KryptogoSettings = z.infer<typeof kryptogoSettings>;

/**
 * KryptoGO: an HMAC-SHA256 `signature` inside the JSON body over payrec's canonical form, with a
 * 5-minute window; an unsigned callback is a hint until its payment-intent endpoint confirms it
 * (docs/providers.md §3).
 */
export const kryptogoProvider = defineProvider<KryptogoSettings>({
  name: 'kryptogo',
  displayName: 'KryptoGO',
  settings: kryptogoSettings,
  webhook: {
    mediaTypes: ['application/json'],
    acknowledgement: { received: true },
    sendsHints: true,
    documentation: {
      authentication:
        'A `signature` field inside the JSON body: HMAC-SHA256 with the callback secret, within a 5-minute window. An unsigned callback is only a hint until the KryptoGO API confirms it.',
      body: kryptogoPayloadSchema,
    },
    verifier: ({ callbackSecret }) =>
      callbackSecret === null ? null : createKryptogoVerifier({ callbackSecret }),
  },
  statusVocabularies: kryptogoStatuses,
  statusApi: {
    client: ({ apiKey, clientId, origin, apiUrl, apiRateLimit }, http) =>
      apiKey === null || clientId === null || origin === null
        ? null
        : createKryptogoStatusClient({
            http: http({ baseUrl: apiUrl, ratePerSecond: apiRateLimit }),
            clientId,
            origin,
            apiKey,
          }),
  },
  describe: (settings) =>
    [
      describeWebhooks(settings.callbackSecret !== null, 'KRYPTOGO_CALLBACK_SECRET'),
      describeStatusApi(settings.apiKey !== null, 'KRYPTOGO_API_KEY', settings),
    ].join('; '),
});
