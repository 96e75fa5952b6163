import { z } from 'zod';
import { fulfilmentStatuses, paymentRefSchema, type ProviderName } from '../domain/index.js';
import { deliveryOutcomes } from './deliveryUseCases.js';
import { discrepancyFiltersHelp, discrepancyFiltersSchemaFor } from './discrepancyFilters.js';
import { knownProvider, providerList } from './knownProvider.js';
import { paymentFiltersHelp, paymentFiltersSchemaFor } from './paymentFilters.js';

/** A page's size and where it starts: 1 to 500 items, after an opaque cursor. */
const pageOf = (cursorLength: number) => ({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(cursorLength).optional(),
});

/**
 * The list queries of payments, discrepancies, fulfilments and deliveries: their filters and
 * page, and what each accepts (the description every refusal quotes). The API takes them as its
 * query strings, the console parses its filter forms with them.
 */
export const listQueriesFor = (providers: readonly ProviderName[]) => ({
  payments: paymentFiltersSchemaFor(providers)
    .extend(pageOf(600))
    .describe(`${paymentFiltersHelp(providers)} limit is 1 to 500.`),
  discrepancies: discrepancyFiltersSchemaFor(providers)
    .extend(pageOf(2000))
    .describe(`${discrepancyFiltersHelp(providers)} limit is 1 to 500.`),
  fulfilments: z
    .strictObject({
      status: z.enum(fulfilmentStatuses).optional(),
      provider: knownProvider(providers).optional(),
      ...pageOf(400),
    })
    .describe(
      `status is requested, delivered or exhausted; provider one of ${providerList(providers)}; limit 1 to 500.`,
    ),
  deliveries: z
    .strictObject({
      provider: knownProvider(providers).optional(),
      outcome: z.enum(deliveryOutcomes).optional(),
      ...pageOf(64),
    })
    .describe(
      `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected; limit 1 to 500.`,
    ),
});

export type ListQueries = ReturnType<typeof listQueriesFor>;

/** A payment's name in a path: a provider payrec has a module for, and a ref. */
export const paymentIdSchemaFor = (providers: readonly ProviderName[]) =>
  z
    .object({ provider: knownProvider(providers), ref: paymentRefSchema })
    .describe(
      `The provider must be one of ${providerList(providers)}, and the ref 1 to 256 printable characters.`,
    );
