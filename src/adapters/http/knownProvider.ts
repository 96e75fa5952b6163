import { z } from 'zod';
import type { ProviderName } from '../../domain/index.js';

/** A provider name the service has a module for; anything else is a `400` naming the list. */
export const knownProvider = (providers: readonly ProviderName[]) =>
  z.string().refine((name) => providers.includes(name), {
    message: `must be one of ${providers.join(', ')}`,
  });

/** The words a reason uses for the provider list. */
export const providerList = (providers: readonly ProviderName[]): string => providers.join(', ');
