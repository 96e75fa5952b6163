import {
  createStatusHttp,
  type ConfiguredProvider,
  type SharedSlots,
} from '../adapters/providers/index.js';
import type { Config } from '../config.js';
import type { ProviderName } from '../domain/index.js';
import type { StatusClient } from '../domain/ports/index.js';
import type { HasStatusEndpoint } from '../projections/index.js';

export type StatusEndpointsOptions = Readonly<{
  fetch?: typeof fetch;
  /** Told of every attempt's outcome and latency (metrics). */
  onAttempt?: (
    provider: ProviderName,
    outcome: 'ok' | 'retryable' | 'transport',
    seconds: number,
  ) => void;
  /** For tests: the first retry's delay. */
  retryDelayMs?: number;
  /** The call slots of every process on the data directory (`createSqliteRateSlots`). */
  sharedSlots?: SharedSlots;
}>;

export type StatusEndpoints = Readonly<{
  hasStatusEndpoint: HasStatusEndpoint;
  /** How the reconciler checks a provider's payments (see `ReconcilerOptions`). */
  statusCheckOf: (provider: ProviderName) => StatusClient | 'no-endpoint' | 'not-configured';
}>;

/**
 * Each provider module's status client, on the shared HTTP machinery (its own rate limit, the
 * configured concurrency cap, timeout and retries). A provider without a module is treated as
 * having an endpoint that is not configured: its payments wait, visibly, rather than being
 * flagged.
 */
export const createStatusEndpoints = (
  config: Pick<Config, 'providers' | 'reconciliation'>,
  options: StatusEndpointsOptions = {},
): StatusEndpoints => {
  const byName = new Map<ProviderName, ConfiguredProvider>(
    config.providers.map((provider) => [provider.name, provider]),
  );
  const clients = new Map<ProviderName, StatusClient | null>();
  for (const provider of config.providers) {
    clients.set(
      provider.name,
      provider.statusClient(({ baseUrl, ratePerSecond }) =>
        createStatusHttp({
          provider: provider.name,
          baseUrl,
          ratePerSecond,
          concurrency: config.reconciliation.concurrency,
          timeoutMs: config.reconciliation.timeoutMs,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
          ...(options.sharedSlots === undefined ? {} : { sharedSlots: options.sharedSlots }),
          onAttempt: (outcome, seconds) => options.onAttempt?.(provider.name, outcome, seconds),
        }),
      ),
    );
  }
  const hasStatusEndpoint = (provider: ProviderName) =>
    byName.get(provider)?.hasStatusEndpoint ?? true;
  return {
    hasStatusEndpoint,
    statusCheckOf: (provider) =>
      hasStatusEndpoint(provider) ? (clients.get(provider) ?? 'not-configured') : 'no-endpoint',
  };
};
