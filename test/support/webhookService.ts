import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FetchImplementation } from 'jose';
import type { Logger } from 'pino';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from './webhookBuilders.js';

export const testSecrets = {
  krakenEmbed: Buffer.from('kraken-embed-test-secret-current').toString('base64'),
  krakenEmbedPrevious: Buffer.from('kraken-embed-test-secret-previous').toString('base64'),
  kryptogo: 'kryptogo-test-secret-0123456789',
  kkiapay: 'kkiapay-hash-secret-0123456789',
} as const;

/**
 * The whole service, in-process on a temporary embedded store, with every provider configured
 * with test secrets, a pinned clock, and the Kraken Pay key set served by `fetch`.
 */
export const startWebhookService = async ({
  now,
  fetch,
  env = {},
  logger = createLogger({ level: 'silent' }),
}: {
  now: () => Date;
  fetch?: FetchImplementation;
  env?: Record<string, string>;
  logger?: Logger;
}): Promise<{ service: Service; dataDir: string; cleanup: () => Promise<void> }> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrec-webhooks-'));
  const removeData = () => {
    rmSync(dataDir, { recursive: true, force: true });
  };
  const config = configured(
    () =>
      loadConfig({
        PAYREC_DATA_DIR: dataDir,
        KRAKEN_PAY_JWKS_URL: 'http://127.0.0.1:9/.well-known/pay-callback-keys.json',
        KRAKEN_EMBED_WEBHOOK_SECRET: testSecrets.krakenEmbed,
        KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET: testSecrets.krakenEmbedPrevious,
        KRYPTOGO_CALLBACK_SECRET: testSecrets.kryptogo,
        KKIAPAY_WEBHOOK_SECRET: testSecrets.kkiapay,
        ...env,
      }),
    removeData,
  );
  const service = await createService(config, {
    clock: { now },
    logger,
    ...(fetch ? { fetch } : {}),
  });
  return {
    service,
    dataDir,
    cleanup: async () => {
      await service.close();
      removeData();
    },
  };
};

/** The configuration, or the error it raised after the temporary directory is removed. */
const configured = <T>(load: () => T, removeData: () => void): T => {
  try {
    return load();
  } catch (error) {
    removeData();
    throw error;
  }
};

/**
 * Sends a Kraken Embed event, signed with the test secret, to the service and resolves with the
 * status it answered. `event` overrides fields of `aKrakenEmbedEvent()`.
 */
export const deliverKrakenEmbedEvent = async (
  service: Service,
  event: Record<string, unknown>,
  at: Date = new Date(),
): Promise<number> => {
  const { payload, headers } = signedKrakenEmbedDelivery({
    body: aKrakenEmbedEvent(event),
    secret: testSecrets.krakenEmbed,
    at,
  });
  const response = await service.app.inject({
    method: 'POST',
    url: '/webhooks/kraken-embed',
    payload,
    headers,
  });
  return response.statusCode;
};
