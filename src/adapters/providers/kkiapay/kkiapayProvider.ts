import { z } from 'zod';
import { kkiapayPayloadSchema } from './kkiapayPayload.js';
import { httpUrl, optional, rate, secret, withDefault } from '../../../envSchemas.js';
import { defineProvider } from '../providerModule.js';
import { requiredTogether } from '../common/requiredTogether.js';
import { describeStatusApi, describeWebhooks } from '../common/describeSwitches.js';
import { kkiapayStatuses } from './kkiapayStatuses.js';
import { createKkiapayStatusClient } from './kkiapayStatusClient.js';
import { createKkiapayVerifier } from './kkiapayVerifier.js';

/** KKiaPay's fragment of the environment. */
export const kkiapaySettings = z
  .object({
    KKIAPAY_WEBHOOK_SECRET: optional(secret(16)),
    KKIAPAY_PUBLIC_KEY: optional(secret()),
    KKIAPAY_PRIVATE_KEY: optional(secret()),
    KKIAPAY_SECRET_KEY: optional(secret()),
    KKIAPAY_API_URL: withDefault(httpUrl, 'https://api.kkiapay.me'),
    KKIAPAY_API_RATE_LIMIT: withDefault(rate, '10'),
  })
  .superRefine(
    requiredTogether(
      ['KKIAPAY_PUBLIC_KEY', 'KKIAPAY_PRIVATE_KEY', 'KKIAPAY_SECRET_KEY'],
      "KKiaPay's transaction-status API",
    ),
  )
  .transform((env) => ({
    webhookSecret: env.KKIAPAY_WEBHOOK_SECRET ?? null,
    publicKey: env.KKIAPAY_PUBLIC_KEY ?? null,
    privateKey: env.KKIAPAY_PRIVATE_KEY ?? null,
    secretKey: env.KKIAPAY_SECRET_KEY ?? null,
    apiUrl: env.KKIAPAY_API_URL,
    apiRateLimit: env.KKIAPAY_API_RATE_LIMIT,
  }));

export type KkiapaySettings = z.infer<typeof kkiapaySettings>;

/**
 * KKiaPay: the shared secret itself in `x-kkiapay-secret`, replayable, so every delivery is a
 * hint confirmed against its transaction-status API (docs/providers.md §4).
 */
export const kkiapayProvider = defineProvider<KkiapaySettings>({
  name: 'kkiapay',
  displayName: 'KKiaPay',
  settings: kkiapaySettings,
  webhook: {
    mediaTypes: ['application/json'],
    acknowledgement: { received: true },
    sendsHints: true,
    documentation: {
      authentication:
        'KKiaPay sends the shared secret itself in `x-kkiapay-secret`. Anyone who saw one delivery can replay it, so payrec records it as a hint and confirms it against the KKiaPay status API before it moves a payment.',
      body: kkiapayPayloadSchema,
    },
    verifier: ({ webhookSecret }) =>
      webhookSecret === null ? null : createKkiapayVerifier({ webhookSecret }),
  },
  statusVocabularies: kkiapayStatuses,
  statusApi: {
    client: ({ publicKey, privateKey, secretKey, apiUrl, apiRateLimit }, http) =>
      publicKey === null || privateKey === null || secretKey === null
        ? null
        : createKkiapayStatusClient({
            http: http({ baseUrl: apiUrl, ratePerSecond: apiRateLimit }),
            publicKey,
            privateKey,
            secretKey,
          }),
  },
  describe: (settings) =>
    [
      describeWebhooks(
        settings.webhookSecret !== null,
        'KKIAPAY_WEBHOOK_SECRET',
        ' (hints, confirmed by the status API)',
      ),
      describeStatusApi(settings.publicKey !== null, 'KKIAPAY_PUBLIC_KEY', settings),
    ].join('; '),
});
