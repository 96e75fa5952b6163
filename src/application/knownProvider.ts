import { z } from 'zod';
import type { ProviderName } from '../domain/index.js';

/**
 * A provider name the service has a module for; anything else is a `400` naming the list. An
 * enum, so that the OpenAPI document lists the names.
 */
export const knownProvider = (providers: readonly ProviderName[]) =>
  z.enum(providers as [ProviderName, ...ProviderName[]], {
    message: `must be one of ${providers.join(', ')}`,
  });

/** The words a reason uses for the provider list. */
export const providerList = (providers: readonly ProviderName[]): string => providers.join(', ');
