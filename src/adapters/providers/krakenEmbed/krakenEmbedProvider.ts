import { z } from 'zod';
import { krakenEmbedPayloadSchema } from './krakenEmbedPayload.js';
import {
  base64Secret,
  httpUrl,
  optional,
  rate,
  secret,
  toleranceSeconds,
  withDefault,
} from '../../../envSchemas.js';
import { defineProvider } from '../providerModule.js';
import { requiredTogether } from '../common/requiredTogether.js';
import { describeStatusApi, describeWebhooks } from '../common/describeSwitches.js';
import { krakenEmbedStatuses } from './krakenEmbedStatuses.js';
import { createKrakenEmbedStatusClient } from './krakenEmbedStatusClient.js';
import { createKrakenEmbedVerifier } from './krakenEmbedVerifier.js';
import { registerWebhookCommand } from './krakenEmbedWebhookRegistration.js';

/** Kraken Embed's fragment of the environment. */
export const krakenEmbedSettings = z
  .object({
    KRAKEN_EMBED_WEBHOOK_SECRET: optional(base64Secret),
    KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET: optional(base64Secret),
    KRAKEN_EMBED_WEBHOOK_TOLERANCE_SECONDS: withDefault(toleranceSeconds, '300'),
    KRAKEN_EMBED_API_KEY: optional(secret()),
    KRAKEN_EMBED_API_SECRET: optional(base64Secret),
    KRAKEN_EMBED_API_URL: withDefault(httpUrl, 'https://nexus.kraken.com'),
    KRAKEN_EMBED_API_RATE_LIMIT: withDefault(rate, '10'),
  })
  .superRefine(
    requiredTogether(
      ['KRAKEN_EMBED_API_KEY', 'KRAKEN_EMBED_API_SECRET'],
      "Kraken Embed's status and registration API",
    ),
  )
  .transform((env) => ({
    webhookSecret: env.KRAKEN_EMBED_WEBHOOK_SECRET ?? null,
    /** The secret before the last rotation, accepted too until it is unset. */
    previousWebhookSecret: env.KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET ?? null,
    webhookToleranceSeconds: env.KRAKEN_EMBED_WEBHOOK_TOLERANCE_SECONDS,
    apiKey: env.KRAKEN_EMBED_API_KEY ?? null,
    apiSecret: env.KRAKEN_EMBED_API_SECRET ?? null,
    apiUrl: env.KRAKEN_EMBED_API_URL,
    /** Status API calls per second. */
    apiRateLimit: env.KRAKEN_EMBED_API_RATE_LIMIT,
  }));

export type KrakenEmbedSettings = z.infer<typeof krakenEmbedSettings>;

/**
 * Kraken Embed: `X-Signature: t=…,v1=…`, HMAC-SHA256 over `t.rawBody` with the base64-decoded
 * webhook secret (docs/providers.md §2.2); quotes, custom orders, deposits and withdrawals
 * checked against its signed API (§2.4, §2.5); its webhook registered from the command line.
 */
export const krakenEmbedProvider = defineProvider<KrakenEmbedSettings>({
  name: 'kraken-embed',
  displayName: 'Kraken Embed',
  settings: krakenEmbedSettings,
  webhook: {
    mediaTypes: ['application/json'],
    acknowledgement: { received: true },
    sendsHints: false,
    documentation: {
      authentication:
        '`X-Signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256 over `t.rawBody` with the base64-decoded webhook secret (a previous secret is accepted while it rotates), within the tolerance window.',
      body: krakenEmbedPayloadSchema,
    },
    verifier: ({ webhookSecret, previousWebhookSecret, webhookToleranceSeconds }) =>
      webhookSecret === null
        ? null
        : createKrakenEmbedVerifier({
            secrets: previousWebhookSecret
              ? [webhookSecret, previousWebhookSecret]
              : [webhookSecret],
            toleranceSeconds: webhookToleranceSeconds,
          }),
  },
  statusVocabularies: krakenEmbedStatuses,
  statusApi: {
    client: ({ apiKey, apiSecret, apiUrl, apiRateLimit }, http) =>
      apiKey === null || apiSecret === null
        ? null
        : createKrakenEmbedStatusClient({
            http: http({ baseUrl: apiUrl, ratePerSecond: apiRateLimit }),
            apiKey,
            apiSecret,
          }),
  },
  commands: [registerWebhookCommand],
  describe: (settings) =>
    [
      describeWebhooks(
        settings.webhookSecret !== null,
        'KRAKEN_EMBED_WEBHOOK_SECRET',
        settings.previousWebhookSecret ? ' (previous secret accepted too)' : '',
      ),
      describeStatusApi(settings.apiKey !== null, 'KRAKEN_EMBED_API_KEY', settings),
    ].join('; '),
});
