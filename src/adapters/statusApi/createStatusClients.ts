import type { ProviderName } from '../../domain/index.js';
import type { Config } from '../../config.js';
import { createKkiapayStatusClient } from './kkiapayStatusClient.js';
import { createKrakenEmbedStatusClient } from './krakenEmbedStatusClient.js';
import { createKryptogoStatusClient } from './kryptogoStatusClient.js';
import type { StatusClient } from './statusCheck.js';
import { createStatusHttp, type StatusHttpOptions } from './statusHttp.js';

export type StatusClientsOptions = Readonly<{
  fetch?: typeof fetch;
  onAttempt?: (
    provider: ProviderName,
    outcome: 'ok' | 'retryable' | 'transport',
    seconds: number,
  ) => void;
  /** For tests: the first retry's delay. */
  retryDelayMs?: number;
}>;

/**
 * A status client for each provider whose API credentials are configured; Kraken Pay has no
 * status endpoint. Each has its own rate limit and concurrency cap.
 */
export const createStatusClients = (
  config: Pick<Config, 'providers' | 'reconciliation'>,
  options: StatusClientsOptions = {},
): Partial<Record<ProviderName, StatusClient>> => {
  const { krakenEmbed, kryptogo, kkiapay } = config.providers;
  const http = (provider: ProviderName, baseUrl: string, ratePerSecond: number) => {
    const settings: StatusHttpOptions = {
      provider,
      baseUrl,
      ratePerSecond,
      concurrency: config.reconciliation.concurrency,
      timeoutMs: config.reconciliation.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      onAttempt: (outcome, seconds) => options.onAttempt?.(provider, outcome, seconds),
    };
    return createStatusHttp(settings);
  };
  const clients: Partial<Record<ProviderName, StatusClient>> = {};
  if (krakenEmbed.apiKey && krakenEmbed.apiSecret) {
    clients['kraken-embed'] = createKrakenEmbedStatusClient({
      http: http('kraken-embed', krakenEmbed.apiUrl, krakenEmbed.apiRateLimit),
      apiKey: krakenEmbed.apiKey,
      apiSecret: krakenEmbed.apiSecret,
    });
  }
  if (kryptogo.apiKey && kryptogo.clientId && kryptogo.origin) {
    clients.kryptogo = createKryptogoStatusClient({
      http: http('kryptogo', kryptogo.apiUrl, kryptogo.apiRateLimit),
      clientId: kryptogo.clientId,
      origin: kryptogo.origin,
      apiKey: kryptogo.apiKey,
    });
  }
  if (kkiapay.publicKey && kkiapay.privateKey && kkiapay.secretKey) {
    clients.kkiapay = createKkiapayStatusClient({
      http: http('kkiapay', kkiapay.apiUrl, kkiapay.apiRateLimit),
      publicKey: kkiapay.publicKey,
      privateKey: kkiapay.privateKey,
      secretKey: kkiapay.secretKey,
    });
  }
  return clients;
};
