import type { FetchImplementation } from 'jose';
import type { ProviderName } from '../../domain/index.js';
import type { Config } from '../../config.js';
import type { WebhookVerifier } from '../http/index.js';
import { createKkiapayVerifier } from './kkiapay/kkiapayVerifier.js';
import { createKrakenEmbedVerifier } from './krakenEmbed/krakenEmbedVerifier.js';
import { createKrakenPayKeys } from './krakenPay/krakenPayKeys.js';
import { createKrakenPayVerifier } from './krakenPay/krakenPayVerifier.js';
import { createKryptogoVerifier } from './kryptogo/kryptogoVerifier.js';

/**
 * One verifier per configured provider (INTERFACE.md: a provider whose webhook secret is not set
 * answers 404). Kraken Pay needs no secret, only its JWKS URL, which has a default.
 */
export const createVerifiers = (
  providers: Config['providers'],
  options: Readonly<{ fetch?: FetchImplementation }> = {},
): Partial<Record<ProviderName, WebhookVerifier>> => {
  const { krakenPay, krakenEmbed, kryptogo, kkiapay } = providers;
  const embedSecrets = [krakenEmbed.webhookSecret, krakenEmbed.previousWebhookSecret].filter(
    (secret) => secret !== null,
  );
  return {
    'kraken-pay': createKrakenPayVerifier({
      keys: createKrakenPayKeys({
        jwksUrl: krakenPay.jwksUrl,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    }),
    ...(krakenEmbed.webhookSecret
      ? {
          'kraken-embed': createKrakenEmbedVerifier({
            secrets: embedSecrets,
            toleranceSeconds: krakenEmbed.webhookToleranceSeconds,
          }),
        }
      : {}),
    ...(kryptogo.callbackSecret
      ? { kryptogo: createKryptogoVerifier({ callbackSecret: kryptogo.callbackSecret }) }
      : {}),
    ...(kkiapay.webhookSecret
      ? { kkiapay: createKkiapayVerifier({ webhookSecret: kkiapay.webhookSecret }) }
      : {}),
  };
};
